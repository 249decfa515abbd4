// NPWG multi-network spec v1.3, what the running parts may use: the pod
// network annotations (checked and resolved), the NAD references they make,
// and the network-status annotation (read, written, built from CNI results).

// The annotation keys, the cluster interface's name and the annotation size limit.
export {
  NETWORKS_ANNOTATION,
  NETWORK_STATUS_ANNOTATION,
  DEFAULT_NETWORK_ANNOTATION,
  DEFAULT_CLUSTER_INTERFACE,
  MAX_ANNOTATION_BYTES,
} from './types.ts';
// An element of the networks annotation, as written and resolved, and its capabilities.
export type {
  NetworkSelectionElement,
  ResolvedAttachment,
  PortMapping,
  BandwidthEntry,
} from './types.ts';
// The admission seam for pods and workload pod templates (webhook, CLI).
export { podNetworkValidator } from './pod-validator.ts';
// The validator's shape and options.
export type { PodNetworkValidator, PodValidationOptions } from './pod-validator.ts';
// Turns resolved NAD lookups into findings (missing NAD, namespace isolation).
export { checkNadReferences } from './nad-references.ts';
// A reference with its lookup result, and the isolation options.
export type { NadLookup, NadReferenceOptions } from './nad-references.ts';
// One pod's annotations checked and resolved (node agent, webhook).
export { checkPodNetworkAnnotations } from './pod-annotations.ts';
// A NAD reference, the check's result, the resolved networks, and the options.
export type {
  NadReference,
  PodNetworkCheck,
  PodNetworks,
  PodNetworkOptions,
} from './pod-annotations.ts';
// Where each workload kind keeps its pod template's metadata.
export { isPodCarrier, podMetadataOf } from './pod-template.ts';
// Where a pod template's metadata sits, and what it holds.
export type { PodMetaLocation } from './pod-template.ts';
// The networks and default-network annotations parsed on their own (node agent).
export { parseNetworkSelection } from './network-selection.ts';
// Its options and result.
export type { NetworkSelectionOptions, NetworkSelectionResult } from './network-selection.ts';
// The default-network annotation parsed on its own (node agent).
export { parseDefaultNetwork } from './default-network.ts';
// Its options and result.
export type { DefaultNetworkOptions, DefaultNetworkResult } from './default-network.ts';
// Read and check a network-status annotation value.
export { parseNetworkStatus } from './network-status-reader.ts';
// What reading a network-status value gives.
export type { NetworkStatusResult } from './network-status-reader.ts';
// Write a network-status value, keys in Multus' order.
export { buildNetworkStatus } from './network-status-writer.ts';
// Build one status entry from a CNI result (node agent, after ADD).
export { networkStatusFromCniResult } from './network-status-from-cni.ts';
// Its options.
export type { StatusFromCniOptions } from './network-status-from-cni.ts';
// The field path of the network-status annotation.
export { NETWORK_STATUS_FIELD } from './network-status-types.ts';
// A status entry and the NPWG device-info types.
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
