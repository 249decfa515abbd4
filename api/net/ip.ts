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

/** A parsed CIDR. `canonical` is computed on first use: formatting costs more
 * than parsing, and the hot path (admission) rarely needs it. */
export class Cidr {
  readonly family: Family;
  /** Address as written (may have host bits set, e.g. an interface address). */
  readonly address: IpAddress;
  readonly prefix: number;
  /** First address of the network (host bits cleared). */
  readonly network: bigint;
  /** Last address of the network. */
  readonly broadcast: bigint;
  #canonical: string | undefined;

  constructor(address: IpAddress, prefix: number, network: bigint, broadcast: bigint) {
    this.family = address.family;
    this.address = address;
    this.prefix = prefix;
    this.network = network;
    this.broadcast = broadcast;
  }

  /** `network/prefix` in canonical text, e.g. `10.5.0.0/16`. */
  get canonical(): string {
    this.#canonical ??= `${formatIp(this.network, this.family)}/${this.prefix}`;
    return this.#canonical;
  }
}

export function parseIp(text: string): IpAddress | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return undefined;
  // Route by shape first: ipaddr.js' IPv4 check throws (and costs ~10 µs)
  // on IPv6 text, and this runs on the admission hot path.
  if (text.includes(':')) {
    if (text.includes('%')) return undefined;
    let parts: number[];
    try {
      // One parse; ipaddr.js throws only on invalid text, off the hot path.
      parts = ipaddr.IPv6.parse(text).parts;
    } catch {
      return undefined;
    }
    // `::ffff:1.2.3.4` is an IPv6 address for our purposes (CNI treats it so).
    let value = 0n;
    for (const p of parts) value = (value << 16n) | BigInt(p);
    return { family: 6, value, text };
  }
  const v4 = parseDottedQuad(text);
  return v4 === undefined ? undefined : { family: 4, value: BigInt(v4), text };
}

/** Strict dotted quad as Go's net.ParseIP reads it (the CNI plugins are Go):
 * four decimal octets 0–255, no leading zeros, no other characters. */
function parseDottedQuad(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined; // leading zero
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return undefined;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const prefix = parsePrefix(text, slash + 1);
  if (prefix === undefined) return undefined;
  const address = parseIp(text.slice(0, slash));
  if (address === undefined) return undefined;
  if (address.family === 4) {
    if (prefix > 32) return undefined;
    // Number arithmetic: IPv4 fits, and this runs on the admission hot path.
    const size = 2 ** (32 - prefix);
    const network = Math.floor(Number(address.value) / size) * size;
    return new Cidr(address, prefix, BigInt(network), BigInt(network + size - 1));
  }
  if (prefix > 128) return undefined;
  const hostMask = (1n << BigInt(128 - prefix)) - 1n;
  const network = address.value & ~hostMask & ((1n << 128n) - 1n);
  return new Cidr(address, prefix, network, network | hostMask);
}

/** A decimal prefix length without leading zeros, 0–999 (range checked by the caller). */
function parsePrefix(text: string, start: number): number | undefined {
  const len = text.length - start;
  if (len < 1 || len > 3) return undefined;
  if (len > 1 && text.charCodeAt(start) === 48) return undefined;
  let n = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** An address written with or without a prefix length (`10.1.1.5`, `10.1.1.5/24`). */
export function parseAddressMaybePrefixed(text: string): IpAddress | undefined {
  return text.includes('/') ? parseCidr(text)?.address : parseIp(text);
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
  return (
    outer.family === inner.family &&
    inner.network >= outer.network &&
    inner.broadcast <= outer.broadcast
  );
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.network <= b.broadcast && b.network <= a.broadcast;
}

/** Number of addresses in the network, as a bigint (IPv6 ranges are huge). */
export function cidrSize(cidr: Cidr): bigint {
  return cidr.broadcast - cidr.network + 1n;
}

export interface Mac {
  bytes: number[];
  /** Lower-case colon form. */
  text: string;
}

/** Parses a 6-byte MAC in colon or hyphen form (as `ip link` and Multus
 * accept), one separator throughout. Hand-rolled: it runs per pod at admission. */
export function parseMac(text: string): Mac | undefined {
  if (typeof text !== 'string' || text.length !== 17) return undefined;
  const sep = text.charCodeAt(2);
  if (sep !== 58 /* : */ && sep !== 45 /* - */) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < 17; i += 3) {
    if (i > 0 && text.charCodeAt(i - 1) !== sep) return undefined;
    const hi = hexValue(text.charCodeAt(i));
    const lo = hexValue(text.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return undefined;
    bytes.push(hi * 16 + lo);
  }
  return { bytes, text: text.toLowerCase().replaceAll('-', ':') };
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The I/G bit: set for multicast and broadcast MACs, which no interface may carry. */
export function isMulticastMac(mac: Mac): boolean {
  return ((mac.bytes[0] ?? 0) & 0x01) === 1;
}

export function isZeroMac(mac: Mac): boolean {
  return mac.bytes.every((b) => b === 0);
}
