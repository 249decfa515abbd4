// Strict IP, CIDR and MAC parsing, what the running parts may use.

// Parse, compare and format addresses and networks.
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
// An address family, and a parsed address.
export type { Family, IpAddress } from './ip.ts';
// Parse MAC addresses and tell multicast and all-zero ones.
export { parseMac, isMulticastMac, isZeroMac } from './ip.ts';
// A parsed MAC address.
export type { Mac } from './ip.ts';
