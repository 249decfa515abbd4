import { describe, expect, it } from 'vitest';
import { cidrContainsCidr, cidrContainsIp, cidrsOverlap, cidrSize, isCanonical, isMulticastMac, parseCidr, parseIp, parseMac } from './ip.ts';

describe('parseIp', () => {
  it('accepts dotted quads and IPv6', () => {
    expect(parseIp('10.1.2.3')?.family).toBe(4);
    expect(parseIp('fd00::1')?.family).toBe(6);
  });
  it('rejects short, hex and zoned forms the kernel would not take', () => {
    for (const bad of ['10.1', '0x0a.0.0.1', '10.0.0.256', 'fe80::1%eth0', '', 'abc', '1.2.3.4 ']) {
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
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/08', '10.0.0.0', '10.0.0.0/8/8', 'fd00::/129']) {
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
