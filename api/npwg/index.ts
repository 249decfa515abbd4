// NPWG multi-network spec v1.3: pod network annotations and network status.
export * from './types.ts';
export { parseNetworkSelection, NETWORKS_FIELD } from './network-selection.ts';
export type { NetworkSelectionOptions, NetworkSelectionResult } from './network-selection.ts';
export { parseDefaultNetwork, DEFAULT_NETWORK_FIELD } from './default-network.ts';
export type { DefaultNetworkOptions, DefaultNetworkResult } from './default-network.ts';
export { checkPodNetworkAnnotations } from './pod-annotations.ts';
export type { PodNetworkAnnotations, PodNetworkOptions } from './pod-annotations.ts';
export {
  buildNetworkStatus,
  parseNetworkStatus,
  networkStatusFromCniResult,
  NETWORK_STATUS_FIELD,
} from './network-status.ts';
export type {
  DeviceInfo,
  DeviceInfoType,
  MemifDevice,
  NetworkStatus,
  NetworkStatusDns,
  NetworkStatusResult,
  PciDevice,
  StatusFromCniOptions,
  VdpaDevice,
  VhostUserDevice,
} from './network-status.ts';
