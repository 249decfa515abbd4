// Strict IP, CIDR and MAC parsing for validators. ipaddr.js does the address
// parsing; this module adds what validators need on top: strict dotted-quad
// IPv4 (no `10.1` or hex forms, which the kernel and CNI plugins reject),
// canonical-network checks and range arithmetic on bigints.
import ipaddr from 'ipaddr.js';

export type Family = 4 | 6;

export interface IpAddress {
  family: Family;
  /** Address as an unsigned integer (32 or 128 bits). */
  value: bigint;
  text: string;
}

export interface Cidr {
  family: Family;
  /** Address as written (may have host bits set, e.g. an interface address). */
  address: IpAddress;
  prefix: number;
  /** First address of the network (host bits cleared). */
  network: bigint;
  /** Last address of the network. */
  broadcast: bigint;
  /** `network/prefix` in canonical text, e.g. `10.5.0.0/16`. */
  canonical: string;
}

function bitsOf(family: Family): number {
  return family === 4 ? 32 : 128;
}

export function parseIp(text: string): IpAddress | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    const bytes = ipaddr.IPv4.parse(text).toByteArray();
    return { family: 4, value: bytesToBigInt(bytes), text };
  }
  if (text.includes(':') && !text.includes('%') && ipaddr.IPv6.isValid(text)) {
    const parsed = ipaddr.IPv6.parse(text);
    // `::ffff:1.2.3.4` is an IPv6 address for our purposes (CNI treats it so).
    return { family: 6, value: bytesToBigInt(parsed.toByteArray()), text };
  }
  return undefined;
}

export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) return undefined;
  const address = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const bits = bitsOf(address.family);
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const hostMask = (1n << hostBits) - 1n;
  const network = address.value & ~hostMask & ((1n << BigInt(bits)) - 1n);
  return {
    family: address.family,
    address,
    prefix,
    network,
    broadcast: network | hostMask,
    canonical: `${formatIp(network, address.family)}/${prefix}`,
  };
}

/** True when the address part has no host bits set (`10.0.0.0/8`, not `10.0.0.1/8`). */
export function isCanonical(cidr: Cidr): boolean {
  return cidr.address.value === cidr.network;
}

export function formatIp(value: bigint, family: Family): string {
  const bytes: number[] = [];
  const n = family === 4 ? 4 : 16;
  for (let i = n - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

export function cidrContainsIp(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.family === ip.family && ip.value >= cidr.network && ip.value <= cidr.broadcast;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && inner.network >= outer.network && inner.broadcast <= outer.broadcast;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.network <= b.broadcast && b.network <= a.broadcast;
}

/** Number of addresses in the network, as a bigint (IPv6 ranges are huge). */
export function cidrSize(cidr: Cidr): bigint {
  return cidr.broadcast - cidr.network + 1n;
}

function bytesToBigInt(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

export interface Mac {
  bytes: number[];
  /** Lower-case colon form. */
  text: string;
}

/** Parses a 6-byte MAC in colon or hyphen form (as `ip link` and Multus accept). */
export function parseMac(text: string): Mac | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^([0-9A-Fa-f]{2})([:-])([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})$/.exec(text);
  if (m === null) return undefined;
  const bytes = [m[1], m[3], m[4], m[5], m[6], m[7]].map((h) => parseInt(h as string, 16));
  return { bytes, text: bytes.map((b) => b.toString(16).padStart(2, '0')).join(':') };
}

/** The I/G bit: set for multicast and broadcast MACs, which no interface may carry. */
export function isMulticastMac(mac: Mac): boolean {
  return ((mac.bytes[0] ?? 0) & 0x01) === 1;
}

export function isZeroMac(mac: Mac): boolean {
  return mac.bytes.every((b) => b === 0);
}
