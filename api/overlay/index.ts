// OverlayNetworks, what the running parts may use: the admission seam, the
// resolved network every rule works on, and flannel's etcd config.

// The admission seam: create, update with {leasesExist}, against the stored
// networks, and the set check by position (webhook, operator, CLI).
export { overlayNetworkValidator } from './validator.ts';
// The validator's shape.
export type { OverlayNetworkValidator } from './validator.ts';
// Option CIDRs that do not parse (findings about the options, attached to no object).
export { checkClusterCidrs } from './network-set.ts';
// The cluster and service CIDRs to check against, and a finding at a position in a set.
export type { ClusterCidrOptions, IndexedFinding } from './network-set.ts';
// What the update rules need to know: whether subnets are leased.
export type { UpdateContext } from './update.ts';
// The one default etcd prefix, where a NAD may be generated, and the VXLAN defaults.
export { effectiveEtcdPrefix, mayAttachIn, VXLAN_OVERHEAD, DEFAULT_IP_MASQ } from './resolved.ts';
// The resolved network, its effective settings and its attachment scope.
export type {
  AttachmentScope,
  EffectiveOverlayConfig,
  ResolvedOverlay,
  ResolvedOverlaySpec,
} from './resolved.ts';
// The subnets a network hands out (operator allocation).
export type { SubnetPlan } from './subnets.ts';
// flannel's `<prefix>/config`: write the one Plexus keeps, read one flanneld's admin wrote.
export { flannelNetworkConfig, parseFlannelNetworkConfig } from './flannel-config.ts';
// The config as written to etcd, and as flanneld would run it.
export type { FlannelNetworkConfig, ParsedFlannelConfig } from './flannel-config.ts';
