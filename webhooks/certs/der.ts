// The few DER encodings an X.509 certificate needs (ITU-T X.690): tag-length-value, integers,
// object identifiers, strings, times and bit strings. node:crypto makes keys and signatures but
// does not build certificates; a library that does (@peculiar/x509) needs a global Reflect
// polyfill and twenty packages, for what fits in this file.

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8String: 0x0c,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One tag-length-value with the contents concatenated. */
export function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

export const sequence = (...items: Buffer[]): Buffer => tlv(TAG.sequence, ...items);

/** A context-specific constructed tag ([n] EXPLICIT). */
export const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner);

/** A non-negative INTEGER from its big-endian magnitude. */
export function unsignedInteger(magnitude: Buffer): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const trimmed = magnitude.subarray(i);
  const pad = ((trimmed[0] ?? 0) & 0x80) !== 0 ? Buffer.from([0]) : Buffer.alloc(0);
  return tlv(TAG.integer, pad, trimmed.length === 0 ? Buffer.from([0]) : trimmed);
}

export const smallInteger = (n: number): Buffer => unsignedInteger(Buffer.from([n]));

export const boolean = (v: boolean): Buffer => tlv(TAG.boolean, Buffer.from([v ? 0xff : 0]));

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [a = 0, b = 0, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [40 * a + b, ...rest]) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128))
      chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(TAG.oid, Buffer.from(out));
}

export const utf8String = (s: string): Buffer => tlv(TAG.utf8String, Buffer.from(s, 'utf8'));

export const octetString = (b: Buffer): Buffer => tlv(TAG.octetString, b);

/** A BIT STRING holding whole bytes (signatures, keys). */
export const bitString = (b: Buffer): Buffer => tlv(TAG.bitString, Buffer.from([0]), b);

/** A BIT STRING of named bits (KeyUsage): bit 0 is the first byte's high bit; trailing zero
 * bits are not encoded, as DER requires. */
export function namedBits(bits: readonly number[]): Buffer {
  const top = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(top / 8) + 1);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  const unused = 7 - (top & 7);
  return tlv(TAG.bitString, Buffer.from([unused]), bytes);
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5), to the second, in UTC. */
export function time(d: Date): Buffer {
  const iso = d.toISOString(); // 2026-01-02T03:04:05.678Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const year = d.getUTCFullYear();
  return year < 2050
    ? tlv(TAG.utcTime, Buffer.from(`${digits.slice(2)}Z`, 'ascii'))
    : tlv(TAG.generalizedTime, Buffer.from(`${digits}Z`, 'ascii'));
}
