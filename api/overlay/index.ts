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
// flannel's lease keys and values (exact bytes flanneld v0.28 writes), read with flannel's
// semantics, and the key where Plexus records which subnet a node holds.
export {
  configKey,
  leaseKey,
  leaseValue,
  nodeOwnerKey,
  nodeOwnersPrefix,
  parseLeaseValue,
  parseSubnetKeyName,
  subnetCidrText,
  subnetKeyName,
  subnetsPrefix,
  uint16VniFinding,
  FLANNEL_UINT16_VNI_MAX,
} from './flannel-lease.ts';
// A lease as flanneld reads it, and a subnet as flannel names it in keys.
export type { FlannelLease, LeaseSubnet } from './flannel-lease.ts';
// The stable VtepMAC of a node in a network.
export { deriveVtepMac } from './vtep-mac.ts';
// A network's leasable subnets as numbers 0 … capacity-1 (the allocation index's view).
export { slotOfSubnet, slotsCovered, subnetOfSlot, subnetsOverlap } from './subnet-slots.ts';
// Whether labels satisfy a label selector (nodeSelector, attachment.namespaceSelector).
export { matchesLabelSelector } from './selector.ts';
// The address VXLAN peers send to: plexus.dev/public-ip, else the first IPv4 InternalIP.
export { nodePublicIp, PUBLIC_IP_ANNOTATION } from './node-address.ts';
// What nodePublicIp reads and returns.
export type { NodeAddressInput, PublicIpResult } from './node-address.ts';
// The generated NADs: config, whole object, how to recognise one, where a network attaches.
export {
  attachesTo,
  generatedFor,
  generatedNad,
  generatedNadConfig,
  OVERLAY_NETWORK_LABEL,
  OVERLAY_PLUGIN_TYPE,
} from './generated-nad.ts';
// A node's NodeNetworkConfig spec: the meta config and one entry per joined overlay; its digest.
export {
  nodeNetworkConfigDigest,
  nodeNetworkConfigSpec,
  nodeOverlayEntry,
  sameNodeNetworkConfigSpec,
} from './node-overlay.ts';
// What a node holds in one overlay, and the overlay as it joins it.
export type { JoinedOverlay, NodeLease } from './node-overlay.ts';
// An OverlayNetwork's status and conditions (Ready, Degraded, SubnetsExhausted) from observations.
export {
  overlayConditions,
  overlayStatus,
  sameOverlayStatus,
  DEGRADED,
  READY,
  SUBNETS_EXHAUSTED,
} from './status.ts';
// What the operator observed about one network, and a problem with its reason.
export type { OverlayObservation, StatusProblem } from './status.ts';
