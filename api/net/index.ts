// Strict IP, CIDR and MAC parsing, what the running parts may use.

// Addresses and networks: parse, compare, format.
export {
  parseIp,
  parseCidr,
  parseAddressMaybePrefixed,
  isCanonical,
  formatIp,
  cidrContainsIp,
  cidrContainsCidr,
  cidrsOverlap,
  cidrSize,
  Cidr,
} from './ip.ts';
export type { Family, IpAddress } from './ip.ts';
// MAC addresses.
export { parseMac, isMulticastMac, isZeroMac } from './ip.ts';
export type { Mac } from './ip.ts';
