// NPWG multi-network spec v1.3, what the running parts may use: the pod
// network annotations (checked and resolved), the NAD references they make,
// and the network-status annotation (read, written, built from CNI results).

// Annotation keys and the element types of the spec.
export {
  NETWORKS_ANNOTATION,
  NETWORK_STATUS_ANNOTATION,
  DEFAULT_NETWORK_ANNOTATION,
  DEFAULT_CLUSTER_INTERFACE,
  MAX_ANNOTATION_BYTES,
} from './types.ts';
export type {
  NetworkSelectionElement,
  ResolvedAttachment,
  PortMapping,
  BandwidthEntry,
} from './types.ts';
// The admission seam for pods and workload pod templates (webhook, CLI).
export { podNetworkValidator } from './pod-validator.ts';
export type { PodNetworkValidator, PodValidationOptions } from './pod-validator.ts';
// Turns resolved NAD lookups into findings (missing NAD, namespace isolation).
export { checkNadReferences } from './nad-references.ts';
export type { NadLookup, NadReferenceOptions } from './nad-references.ts';
// One pod's annotations checked and resolved (node agent, webhook).
export { checkPodNetworkAnnotations } from './pod-annotations.ts';
export type {
  NadReference,
  PodNetworkCheck,
  PodNetworks,
  PodNetworkOptions,
} from './pod-annotations.ts';
// Where each workload kind keeps its pod template's metadata.
export { isPodCarrier, podMetadataOf } from './pod-template.ts';
export type { PodMetaLocation } from './pod-template.ts';
// The networks and default-network annotations parsed on their own (node agent).
export { parseNetworkSelection } from './network-selection.ts';
export type { NetworkSelectionOptions, NetworkSelectionResult } from './network-selection.ts';
export { parseDefaultNetwork } from './default-network.ts';
export type { DefaultNetworkOptions, DefaultNetworkResult } from './default-network.ts';
// The network-status annotation: read it, write it, build an entry from a CNI result.
export { parseNetworkStatus } from './network-status-reader.ts';
export type { NetworkStatusResult } from './network-status-reader.ts';
export { buildNetworkStatus } from './network-status-writer.ts';
export { networkStatusFromCniResult } from './network-status-from-cni.ts';
export type { StatusFromCniOptions } from './network-status-from-cni.ts';
export { NETWORK_STATUS_FIELD } from './network-status-types.ts';
export type {
  DeviceInfo,
  DeviceInfoType,
  MemifDevice,
  NetworkStatus,
  NetworkStatusDns,
  PciDevice,
  VdpaDevice,
  VhostUserDevice,
} from './network-status-types.ts';
