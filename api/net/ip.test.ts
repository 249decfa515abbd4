import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  cidrContainsCidr,
  cidrContainsIp,
  cidrsOverlap,
  cidrSize,
  formatIp,
  isCanonical,
  isMulticastMac,
  parseCidr,
  parseIp,
  parseMac,
} from './ip.ts';

describe('parseIp', () => {
  it('accepts dotted quads and IPv6', () => {
    expect(parseIp('10.1.2.3')?.family).toBe(4);
    expect(parseIp('fd00::1')?.family).toBe(6);
    expect(parseIp('0.0.0.0')?.value).toBe(0n);
    expect(parseIp('255.255.255.255')?.value).toBe(0xffffffffn);
    expect(parseIp('10.1.2.3')?.value).toBe(0x0a010203n);
    expect(parseIp('::ffff:1.2.3.4')?.family).toBe(6);
  });
  it('rejects short, hex and zoned forms the kernel would not take', () => {
    for (const bad of [
      '10.1',
      '0x0a.0.0.1',
      '10.0.0.256',
      'fe80::1%eth0',
      '',
      'abc',
      '1.2.3.4 ',
      '010.0.0.1',
      '1.2.3.4.5',
      '1..2.3',
      '.1.2.3',
      '1.2.3.',
      '1.2.3.-4',
      'fd00::g',
    ]) {
      expect(parseIp(bad), bad).toBeUndefined();
    }
  });
});

describe('parseCidr', () => {
  it('computes network, broadcast and canonical form', () => {
    const c = parseCidr('173.17.0.1/16');
    expect(c?.canonical).toBe('173.17.0.0/16');
    expect(c && isCanonical(c)).toBe(false);
    expect(c && cidrSize(c)).toBe(65536n);
    const v6 = parseCidr('fd00::/64');
    expect(v6 && isCanonical(v6)).toBe(true);
  });
  it('rejects bad prefixes', () => {
    for (const bad of [
      '10.0.0.0/33',
      '10.0.0.0/',
      '10.0.0.0/08',
      '10.0.0.0',
      '10.0.0.0/8/8',
      'fd00::/129',
    ]) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
  });
  it('answers containment and overlap', () => {
    const a = parseCidr('10.0.0.0/8');
    const b = parseCidr('10.5.0.0/16');
    const c = parseCidr('11.0.0.0/8');
    if (!a || !b || !c) throw new Error('parse failed');
    expect(cidrContainsCidr(a, b)).toBe(true);
    expect(cidrContainsCidr(b, a)).toBe(false);
    expect(cidrsOverlap(a, b)).toBe(true);
    expect(cidrsOverlap(a, c)).toBe(false);
    const ip = parseIp('10.5.3.4');
    expect(ip && cidrContainsIp(b, ip)).toBe(true);
  });
});

describe('parseMac', () => {
  it('normalises and detects multicast', () => {
    const m = parseMac('C6-D2-32-6F-8F-44');
    expect(m?.text).toBe('c6:d2:32:6f:8f:44');
    expect(m && isMulticastMac(m)).toBe(false);
    const mc = parseMac('01:00:5e:00:00:01');
    expect(mc && isMulticastMac(mc)).toBe(true);
    expect(parseMac('c6:d2:32:6f:8f')).toBeUndefined();
    expect(parseMac('c6:d2-32:6f:8f:44')).toBeUndefined();
  });
});

describe("the forms Go's net/netip reads differently from other parsers", () => {
  it('refuses an embedded IPv4 written in hex, octal or with leading zeros', () => {
    for (const bad of ['::ffff:0x0a.0.0.1', '::ffff:010.0.0.1', '::01.2.3.4', '::a1.2.3.4'])
      expect(parseIp(bad), bad).toBeUndefined();
  });
  it('reads ::1.2.3.4 as ::102:304, not as the IPv4-mapped ::ffff:1.2.3.4', () => {
    const compat = parseIp('::1.2.3.4');
    const mapped = parseIp('::ffff:1.2.3.4');
    expect(compat?.value).toBe(0x01020304n);
    expect(mapped?.value).toBe(0xffff01020304n);
    expect(compat && formatIp(compat.value, 6)).toBe('::102:304');
    expect(mapped && formatIp(mapped.value, 6)).toBe('::ffff:1.2.3.4');
  });
  it('places an embedded IPv4 only in the last 32 bits, and "::" only once, for one group or more', () => {
    expect(parseIp('1:2:3:4:5:6:1.2.3.4')?.value).toBe(0x00010002000300040005000601020304n);
    for (const bad of [
      '1:2:3:4:5:6:7:1.2.3.4',
      '1:2:3:4:5:1.2.3.4',
      '1::2::3',
      '1:2:3:4:5:6:7:8::',
      '::1:2:3:4:5:6:7:8',
      '00000::1',
      '1:2:3:4:5:6:7',
      ':1::2',
      '1::2:',
    ])
      expect(parseIp(bad), bad).toBeUndefined();
  });
  it('writes IPv6 as Go does: the first longest run of zero groups as "::"', () => {
    const text = (s: string) => {
      const ip = parseIp(s);
      return ip && formatIp(ip.value, ip.family);
    };
    expect(text('1:0:0:1:0:0:0:1')).toBe('1:0:0:1::1');
    expect(text('0:0:1:0:0:1:0:0')).toBe('::1:0:0:1:0:0');
    expect(text('1:0:2:3:4:5:6:7')).toBe('1:0:2:3:4:5:6:7');
    expect(text('FD00::ABCD')).toBe('fd00::abcd');
  });
  it('reads prefix lengths without sign or leading zeros, and keeps a mapped network mapped', () => {
    for (const bad of ['1.2.3.4/08', '1.2.3.4/+8', '1.2.3.4/00', 'fe80::1%eth0/64'])
      expect(parseCidr(bad), bad).toBeUndefined();
    expect(parseCidr('::ffff:1.2.3.9/120')?.canonical).toBe('::ffff:1.2.3.0/120');
    expect(parseCidr('10.0.0.0/0')?.prefix).toBe(0);
  });
});

describe('parsers on generated input', () => {
  it('read back what formatIp writes, for every IPv4 and IPv6 address', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
        const ip = parseIp(text);
        if (ip === undefined) throw new Error(`did not parse ${text}`);
        const again = parseIp(formatIp(ip.value, ip.family));
        expect(again?.value).toBe(ip.value);
        expect(again?.family).toBe(ip.family);
      }),
    );
  });
  it('never throws on arbitrary text, and MACs round-trip', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        parseIp(text);
        parseCidr(text);
        parseMac(text);
      }),
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 6, maxLength: 6 }),
        fc.constantFrom(':', '-'),
        (bytes, sep) => {
          const text = [...bytes]
            .map((b) => b.toString(16).padStart(2, '0').toUpperCase())
            .join(sep);
          expect(parseMac(text)?.bytes).toEqual([...bytes]);
        },
      ),
    );
  });
});

describe('parseCidr against a bigint reference', () => {
  it('computes the same network and broadcast for every IPv4 and IPv6 prefix', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.nat(128), (ip, p) => {
        const family = ip.includes(':') ? 6 : 4;
        const bits = family === 4 ? 32 : 128;
        const prefix = p % (bits + 1);
        const c = parseCidr(`${ip}/${prefix}`);
        const addr = parseIp(ip);
        if (c === undefined || addr === undefined) throw new Error(`did not parse ${ip}/${prefix}`);
        const hostMask = (1n << BigInt(bits - prefix)) - 1n;
        expect(c.network).toBe(addr.value & ~hostMask & ((1n << BigInt(bits)) - 1n));
        expect(c.broadcast).toBe(c.network | hostMask);
        expect(parseCidr(c.canonical)?.network).toBe(c.network);
      }),
    );
  });
});
