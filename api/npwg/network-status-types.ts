// The `k8s.v1.cni.cncf.io/network-status` annotation (NPWG spec §5): its
// types and keys, shared by the reader, the writer and the CNI-result conversion.
import { child } from '../common/findings.ts';
import { NETWORK_STATUS_ANNOTATION } from './types.ts';

export interface NetworkStatusDns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

export type DeviceInfoType = 'pci' | 'vdpa' | 'vhost-user' | 'memif';

export interface PciDevice {
  'pci-address'?: string;
  'vhost-net'?: string;
  'rdma-device'?: string;
  'pf-pci-address'?: string;
  'representor-device'?: string;
}

export interface VdpaDevice {
  'parent-device'?: string;
  driver?: string;
  path?: string;
  'pci-address'?: string;
  'pf-pci-address'?: string;
  'representor-device'?: string;
}

export interface VhostUserDevice {
  /** `client` or `server`. */
  mode?: string;
  path?: string;
}

export interface MemifDevice {
  /** `master` or `slave`. */
  role?: string;
  path?: string;
  /** `ethernet`, `ip` or `punt`. */
  mode?: string;
}

/** The NPWG device-info object (device info spec v1.1). */
export interface DeviceInfo {
  type: DeviceInfoType;
  version: string;
  pci?: PciDevice;
  vdpa?: VdpaDevice;
  'vhost-user'?: VhostUserDevice;
  memif?: MemifDevice;
}

/** One entry of the network-status annotation. */
export interface NetworkStatus {
  /** `namespace/name` of the NAD, or the cluster network's name. */
  name: string;
  interface?: string;
  /** Addresses without prefix length, as Multus writes them. */
  ips?: string[];
  mac?: string;
  mtu?: number;
  /** True only for the cluster (default) network's entry. */
  default?: boolean;
  dns?: NetworkStatusDns;
  'device-info'?: DeviceInfo;
  /** Default-route gateways the attachment installed. */
  gateway?: string[];
}

export const NETWORK_STATUS_FIELD = child('metadata.annotations', NETWORK_STATUS_ANNOTATION);

export const STATUS_KEYS = [
  'name',
  'interface',
  'ips',
  'mac',
  'mtu',
  'default',
  'dns',
  'device-info',
  'gateway',
] as const;
export const DNS_KEYS = ['nameservers', 'domain', 'search', 'options'] as const;
export const DEVICE_TYPES: ReadonlySet<string> = new Set<DeviceInfoType>([
  'pci',
  'vdpa',
  'vhost-user',
  'memif',
]);
export const DEVICE_KEYS = ['type', 'version', 'pci', 'vdpa', 'vhost-user', 'memif'] as const;
export const PCI_KEYS = [
  'pci-address',
  'vhost-net',
  'rdma-device',
  'pf-pci-address',
  'representor-device',
] as const;
export const VDPA_KEYS = [
  'parent-device',
  'driver',
  'path',
  'pci-address',
  'pf-pci-address',
  'representor-device',
] as const;
export const VHOST_KEYS = ['mode', 'path'] as const;
export const MEMIF_KEYS = ['role', 'path', 'mode'] as const;
// 6-byte Ethernet, 8-byte EUI-64/GUID and 20-byte IPoIB hardware addresses.
export const HWADDR =
  /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}(?:(?::[0-9A-Fa-f]{2}){2}|(?::[0-9A-Fa-f]{2}){14})?$/;
