import { describe, expect, it } from 'vitest';
import {
  attachmentHash,
  attachmentNames,
  CHAIN_PREFIX,
  defaultPodVethName,
  isBatchSafeName,
} from './names.ts';

const ID = 'a'.repeat(64);

describe('attachmentNames', () => {
  it('derives the same names from the same container and ifname', () => {
    expect(attachmentNames(ID, 'net1')).toEqual(attachmentNames(ID, 'net1'));
  });
  it('gives another attachment of the same pod, or another pod, other names', () => {
    const a = attachmentNames(ID, 'net1');
    const b = attachmentNames(ID, 'net2');
    const c = attachmentNames('b'.repeat(64), 'net1');
    expect(new Set([a.hostVeth, b.hostVeth, c.hostVeth]).size).toBe(3);
    expect(new Set([a.chain, b.chain, c.chain]).size).toBe(3);
    // The separator keeps ("ab","c") and ("a","bc") apart.
    expect(attachmentHash('ab', 'c')).not.toBe(attachmentHash('a', 'bc'));
  });
  it('keeps the host name within 15 bytes and the chain within iptables’ 28', () => {
    const n = attachmentNames(ID, 'a-very-long-if0');
    expect(n.hostVeth).toMatch(/^v2h[0-9a-f]{12}$/);
    expect(n.chain.length).toBeLessThanOrEqual(28);
    expect(n.chain.startsWith(CHAIN_PREFIX)).toBe(true);
    expect(n.chain.slice(CHAIN_PREFIX.length).toLowerCase()).toBe(n.hostVeth.slice(3));
  });
  it('makes locally administered unicast MACs that differ', () => {
    const n = attachmentNames(ID, 'net1');
    for (const mac of [n.hostMac, n.podMac]) {
      expect(mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      const first = parseInt(mac.slice(0, 2), 16);
      expect(first & 0x01).toBe(0);
      expect(first & 0x02).toBe(2);
    }
    expect(n.hostMac).not.toBe(n.podMac);
  });
  it('uses the configured pod end name', () => {
    expect(attachmentNames(ID, 'net1', 'veth0').podVeth).toBe('veth0');
  });
});

describe('defaultPodVethName', () => {
  it('is v2h-<ifname> when that fits', () => {
    expect(defaultPodVethName('net1')).toBe('v2h-net1');
    expect(defaultPodVethName('abcdefghijk')).toBe('v2h-abcdefghijk');
  });
  it('is a digest when the ifname is too long or unsafe in a batch line', () => {
    for (const n of ['abcdefghijkl', 'a#b', 'a"b', "a'b", 'a\\b', 'ä']) {
      const name = defaultPodVethName(n);
      expect(name).toMatch(/^v2h[0-9a-f]{12}$/);
    }
    expect(defaultPodVethName('a#b')).not.toBe(defaultPodVethName('a"b'));
  });
});

describe('isBatchSafeName', () => {
  it('accepts the usual names and refuses what ip -batch reads specially', () => {
    for (const n of ['eth0', 'net1', 'enp5s0f0', 'vlan.100', 'br-x', 'a@b']) {
      expect(isBatchSafeName(n)).toBe(true);
    }
    for (const n of ['a#b', 'a"b', "a'b", 'a\\b', 'a b', '', 'é']) {
      expect(isBatchSafeName(n)).toBe(false);
    }
  });
});
