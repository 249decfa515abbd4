// The keys of an NPWG network selection element (spec §4.1.2), and the
// spellings people write instead, for "did you mean" hints.

export const ELEMENT_KEYS = [
  'name',
  'namespace',
  'interface',
  'ips',
  'mac',
  'default-route',
  'portMappings',
  'bandwidth',
  'cni-args',
  'infiniband-guid',
  'ipam-claim-reference',
] as const;
export type ElementKey = (typeof ELEMENT_KEYS)[number];

/** Multus (and Go's encoding/json) still honour this pre-3.2 spelling. */
export const DEPRECATED_INTERFACE_KEY = 'interfaceRequest';

export const ELEMENT_KEY_SET: ReadonlySet<string> = new Set(ELEMENT_KEYS);

/** Go's encoding/json matches object keys case-insensitively, so Multus reads
 * `"Name"` as `name`: lower-cased spellings mapped back to the real key. */
export const ELEMENT_KEY_BY_LOWER: ReadonlyMap<string, ElementKey> = new Map(
  ELEMENT_KEYS.map((k) => [k.toLowerCase(), k]),
);

/** Squashed wrong names (lower case, no `-`/`_`) mapped to the key meant. */
export const ELEMENT_KEY_ALIASES: ReadonlyMap<string, string> = new Map([
  ['interfacename', 'interface'],
  ['ifname', 'interface'],
  ['iface', 'interface'],
  ['ifacename', 'interface'],
  ['device', 'interface'],
  ['ip', 'ips'],
  ['ipaddress', 'ips'],
  ['ipaddresses', 'ips'],
  ['addresses', 'ips'],
  ['address', 'ips'],
  ['macaddress', 'mac'],
  ['macrequest', 'mac'],
  ['hwaddr', 'mac'],
  ['defaultroute', 'default-route'],
  ['defaultroutes', 'default-route'],
  ['gateway', 'default-route'],
  ['gateways', 'default-route'],
  ['gw', 'default-route'],
  ['args', 'cni-args'],
  ['ports', 'portMappings'],
  ['portmap', 'portMappings'],
  ['guid', 'infiniband-guid'],
  ['ipamclaim', 'ipam-claim-reference'],
  ['ipamclaimref', 'ipam-claim-reference'],
  ['ns', 'namespace'],
  ['network', 'name'],
  ['networkname', 'name'],
]);
