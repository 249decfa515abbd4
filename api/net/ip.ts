// Strict IP, CIDR and MAC parsing for validators. Addresses and prefixes are
// read exactly as Go's net/netip reads them (ParseAddr, ParsePrefix; the CNI
// plugins, Multus and the API server are Go), except that zones (`%eth0`) are
// refused, as net.ParseIP refuses them: four decimal octets without leading
// zeros (no `10.1`, `0x0a.0.0.1` or `010.0.0.1`), IPv6 groups of at most four
// hex digits, an embedded IPv4 only as the last 32 bits and parsed by the same
// strict rules (`::ffff:010.0.0.1` is invalid, `::1.2.3.4` is ::102:304, not
// ::ffff:1.2.3.4), and prefix lengths without sign or leading zeros.
// api/net/netip.oracle.test.ts checks this against Go itself. Hand-written
// rather than a library: ipaddr.js reads several of these forms differently,
// and this runs on the admission hot path.

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

  /** `network/prefix` in canonical text, e.g. `10.5.0.0/16` (Go's Prefix.Masked().String()). */
  get canonical(): string {
    this.#canonical ??= `${formatIp(this.network, this.family)}/${this.prefix}`;
    return this.#canonical;
  }
}

/** An IP address as netip.ParseAddr reads it, without a zone; undefined when invalid. */
export function parseIp(text: string): IpAddress | undefined {
  // The longest valid address without a zone has 45 characters.
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return undefined;
  // As netip.ParseAddr: the first ".", ":" or "%" decides how the text is read.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      const v4 = parseDottedQuad(text, 0);
      return v4 === undefined ? undefined : { family: 4, value: BigInt(v4), text };
    }
    if (c === 58 /* : */) {
      const v6 = parseIpv6(text);
      return v6 === undefined ? undefined : { family: 6, value: v6, text };
    }
    if (c === 37 /* % */) return undefined;
  }
  return undefined;
}

/** Four decimal octets 0–255 from `start` to the end of `text`, no leading
 * zeros, nothing else (netip's parseIPv4Fields). */
function parseDottedQuad(text: string, start: number): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < text.length; i++) {
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

/** An IPv6 address as netip's parseIPv6 reads it; a zone is refused. */
function parseIpv6(s: string): bigint | undefined {
  const n = s.length;
  const groups = [0, 0, 0, 0, 0, 0, 0, 0];
  let g = 0; // groups read
  let ellipsis = -1; // the group where "::" stands
  let i = 0;
  if (n >= 2 && s.charCodeAt(0) === 58 && s.charCodeAt(1) === 58) {
    ellipsis = 0;
    i = 2;
    if (i === n) return 0n;
  }
  while (g < 8) {
    const start = i;
    let acc = 0;
    for (; i < n; i++) {
      const h = hexValue(s.charCodeAt(i));
      if (h < 0) break;
      if (i - start === 4) return undefined; // at most 4 hex digits per group
      acc = acc * 16 + h;
    }
    if (i === start) return undefined; // a group needs a digit
    if (i < n && s.charCodeAt(i) === 46 /* . */) {
      // An embedded IPv4 address: the last 32 bits, read from the group's start.
      if ((ellipsis < 0 && g !== 6) || g > 6) return undefined;
      const v4 = parseDottedQuad(s, start);
      if (v4 === undefined) return undefined;
      groups[g++] = Math.floor(v4 / 65536);
      groups[g++] = v4 % 65536;
      i = n;
      break;
    }
    groups[g++] = acc;
    if (i === n) break;
    if (s.charCodeAt(i) !== 58 /* : */ || i + 1 === n) return undefined;
    i++;
    if (s.charCodeAt(i) === 58) {
      if (ellipsis >= 0) return undefined; // a second "::"
      ellipsis = g;
      i++;
      if (i === n) break;
    }
  }
  if (i !== n) return undefined;
  if (g < 8) {
    if (ellipsis < 0) return undefined; // too short
    const shift = 8 - g;
    for (let j = g - 1; j >= ellipsis; j--) groups[j + shift] = groups[j] as number;
    for (let j = ellipsis; j < ellipsis + shift; j++) groups[j] = 0;
  } else if (ellipsis >= 0) {
    return undefined; // "::" must stand for at least one group
  }
  const hi = (groups[0] as number) * 65536 + (groups[1] as number);
  const mid1 = (groups[2] as number) * 65536 + (groups[3] as number);
  const mid2 = (groups[4] as number) * 65536 + (groups[5] as number);
  const lo = (groups[6] as number) * 65536 + (groups[7] as number);
  return (BigInt(hi) << 96n) | (BigInt(mid1) << 64n) | (BigInt(mid2) << 32n) | BigInt(lo);
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

/** An address as Go's netip.Addr.String() writes it: dotted IPv4, RFC 5952
 * IPv6 (the first longest run of two or more zero groups as "::"), and an
 * IPv4-mapped address as `::ffff:1.2.3.4`. */
export function formatIp(value: bigint, family: Family): string {
  if (family === 4) return formatV4(Number(value & 0xffffffffn));
  if (value >> 32n === 0xffffn) return `::ffff:${formatV4(Number(value & 0xffffffffn))}`;
  const groups: number[] = [];
  for (let k = 7; k >= 0; k--) groups.push(Number((value >> BigInt(k * 16)) & 0xffffn));
  let zeroStart = -1;
  let zeroLength = 1; // a run must be longer than this to be written as "::"
  for (let k = 0; k < 8; k++) {
    let j = k;
    while (j < 8 && groups[j] === 0) j++;
    if (j - k > zeroLength) {
      zeroStart = k;
      zeroLength = j - k;
    }
  }
  let out = '';
  for (let k = 0; k < 8; k++) {
    if (k === zeroStart) {
      out += '::';
      k += zeroLength - 1;
      continue;
    }
    if (k > 0 && k !== zeroStart + zeroLength) out += ':';
    out += (groups[k] as number).toString(16);
  }
  return out;
}

function formatV4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
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
