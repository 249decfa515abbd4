import { describe, expect, it } from 'vitest';
import { deriveVtepMac } from './vtep-mac.ts';

describe('deriveVtepMac', () => {
  it('is stable, locally administered unicast, lower-case colon form', () => {
    const mac = deriveVtepMac('blue', 'node-a');
    expect(mac).toBe(deriveVtepMac('blue', 'node-a'));
    expect(mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    const first = parseInt(mac.slice(0, 2), 16);
    expect(first & 0x02).toBe(2);
    expect(first & 0x01).toBe(0);
  });

  it('differs by network and by node, and "a\\0b" cannot be forged from other names', () => {
    const seen = new Set<string>();
    for (let n = 0; n < 20; n++)
      for (let i = 0; i < 2000; i++) seen.add(deriveVtepMac(`net-${n}`, `node-${i}`));
    expect(seen.size).toBe(40_000);
    expect(deriveVtepMac('ab', 'c')).not.toBe(deriveVtepMac('a', 'bc'));
  });

  it('spreads names that differ only at the end over every byte', () => {
    const firstBytes = new Set<string>();
    for (let i = 0; i < 64; i++) firstBytes.add(deriveVtepMac('blue', `node-${i}`).slice(0, 5));
    // 64 draws of 16 bits: all distinct but for a rare birthday collision.
    expect(firstBytes.size).toBeGreaterThan(60);
  });

  it('is pinned: a change here would change every VtepMAC of every cluster', () => {
    expect(deriveVtepMac('blue', 'node-1')).toMatchInlineSnapshot(`"da:4a:98:39:17:54"`);
  });
});
