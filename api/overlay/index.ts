// OverlayNetworks, what the running parts may use: the admission seam, the
// resolved network every rule works on, and flannel's etcd config.

// The admission seam: create, update with {leasesExist}, against the stored
// networks, and the set check by position (webhook, operator, CLI).
export { overlayNetworkValidator } from './validator.ts';
export type { OverlayNetworkValidator } from './validator.ts';
// Option CIDRs that do not parse (findings about the options, attached to no object).
export { checkClusterCidrs } from './set.ts';
export type { ClusterCidrOptions, IndexedFinding } from './set.ts';
export type { UpdateContext } from './update.ts';
// The resolved network, its effective settings and where its NAD goes.
export { effectiveEtcdPrefix, mayAttachIn, VXLAN_OVERHEAD, DEFAULT_IP_MASQ } from './resolved.ts';
export type {
  AttachmentScope,
  EffectiveOverlayConfig,
  ResolvedOverlay,
  ResolvedOverlaySpec,
} from './resolved.ts';
// The subnets a network hands out (operator allocation).
export type { SubnetPlan } from './subnets.ts';
// flannel's `<prefix>/config`: the one Plexus writes, and reading one flanneld's admin wrote.
export { flannelNetworkConfig, parseFlannelNetworkConfig } from './flannel-config.ts';
export type { FlannelNetworkConfig, ParsedFlannelConfig } from './flannel-config.ts';
