import { describe, expect, it } from 'vitest';
import {
  deriveVtepMac,
  leaseValue,
  nodeOwnerKey,
  overlayNetworkValidator,
} from '../../api/overlay/index.ts';
import type { KeyValue } from '../../lib/etcd/index.ts';
import { NetworkLeases } from './network-leases.ts';

const P = '/plexus.dev/networks/blue';

function leases(network = '10.5.0.0/28'): NetworkLeases {
  const r = overlayNetworkValidator.create({
    apiVersion: 'plexus.dev/v1alpha1',
    kind: 'OverlayNetwork',
    metadata: { name: 'blue' },
    spec: { network, backend: { vni: 2 } },
  });
  if (r.value === undefined) throw new Error(JSON.stringify(r.findings));
  return new NetworkLeases({ name: 'blue', etcdPrefix: P, plan: r.value.plan });
}

let rev = 10;
function kv(key: string, value: string, at = ++rev): KeyValue {
  return { key, value, createRevision: String(at), modRevision: String(at), version: '1' };
}
const lease = (node: string, ip = '192.168.64.11'): string =>
  leaseValue({ publicIp: ip, vni: 2, vtepMac: deriveVtepMac('blue', node) });

describe('NetworkLeases', () => {
  it('knows our holdings from owner records and derived MACs; every other lease is foreign', () => {
    const l = leases(); // /28 with /30 subnets: 10.5.0.4, .8, .12 leasable
    l.replaceAll([
      kv(`${P}/config`, '{}'),
      kv(`${P}/subnets/10.5.0.4-30`, lease('a')),
      kv(nodeOwnerKey(P, 'a'), '10.5.0.4-30'),
      kv(`${P}/subnets/10.5.0.8-30`, lease('flanneld-node')),
      kv(`${P}/unrelated/key`, 'x'),
    ]);
    expect(l.capacity).toBe(3);
    expect(l.holding('a')).toMatchObject({ state: 'complete', slot: 0 });
    expect(l.counts()).toEqual({ ours: 1, foreign: 1 });
    expect(l.foreignLeases()).toEqual(['10.5.0.8-30']);
    // Only one slot is left, and it is neither ours nor the foreign one.
    const r = l.reserve('b');
    expect(r?.slot).toBe(2);
    expect(l.reserve('c')).toBeUndefined();
  });

  it('tells a missing lease and one someone overwrote apart', () => {
    const l = leases();
    l.replaceAll([kv(nodeOwnerKey(P, 'a'), '10.5.0.4-30')]);
    expect(l.holding('a')?.state).toBe('missing');
    l.applyPut(kv(`${P}/subnets/10.5.0.4-30`, lease('someone-else')));
    expect(l.holding('a')?.state).toBe('taken');
    expect(l.counts()).toEqual({ ours: 0, foreign: 1 });
  });

  it('ignores events older than what it knows, including our own deletes', () => {
    const l = leases();
    const key = `${P}/subnets/10.5.0.4-30`;
    l.applyPut(kv(nodeOwnerKey(P, 'a'), '10.5.0.4-30', 20));
    l.applyPut(kv(key, lease('a'), 21));
    expect(l.applyPut(kv(key, lease('a'), 21))).toBe(false); // the watch repeating our write
    l.applyOwnDelete(key, '30');
    expect(l.applyPut(kv(key, lease('a'), 25))).toBe(false); // a stale put from a lagging watch
    expect(l.holding('a')?.state).toBe('missing');
    expect(l.applyDelete(key, '30')).toBe(false); // the watch reporting our delete
    expect(l.applyPut(kv(key, lease('a'), 31))).toBe(true); // a newer write counts
  });

  it('frees slots when leases and owner records go, and says so', () => {
    const l = leases();
    let freed = 0;
    l.onSlotFreed = () => freed++;
    l.replaceAll([
      kv(`${P}/subnets/10.5.0.4-30`, lease('a'), 40),
      kv(nodeOwnerKey(P, 'a'), '10.5.0.4-30', 40),
    ]);
    expect(l.free).toBe(2);
    l.applyDelete(`${P}/subnets/10.5.0.4-30`, '41');
    expect(l.free).toBe(2); // the owner record still holds it
    l.applyDelete(nodeOwnerKey(P, 'a'), '42');
    expect(l.free).toBe(3);
    expect(freed).toBe(1);
  });

  it('blocks the slots of a foreign lease of another length, and ignores unreadable keys', () => {
    const l = leases('10.5.0.0/24'); // /26 subnets: .64, .128, .192
    l.replaceAll([
      kv(`${P}/subnets/10.5.0.64-25`, lease('x')),
      kv(`${P}/subnets/not-a-subnet`, 'junk'),
      kv(`${P}/subnets/10.5.0.192-26`, 'not json'),
    ]);
    expect(l.free).toBe(0);
    expect(l.counts().foreign).toBe(2);
  });

  it('hands out reserved slots once, and takes them back', () => {
    const l = leases();
    const a = l.reserve('a');
    const b = l.reserve('b');
    expect(a?.slot).not.toBe(b?.slot);
    l.unreserve(a?.slot as number);
    expect(l.reserve('c')?.slot).toBe(a?.slot);
  });
});
