import { describe, expect, it } from 'vitest';
import {
  deriveVtepMac,
  leaseValue,
  nodeOwnerKey,
  overlayNetworkValidator,
} from '../../api/overlay/index.ts';
import type { KeyValue } from '../../lib/etcd/index.ts';
import { NetworkLeases } from './network-leases.ts';
import { planNode } from './node-plan.ts';
import type { NodeWish } from './node-plan.ts';

const P = '/k8s/network2';
function index(network = '10.5.0.0/28'): NetworkLeases {
  const r = overlayNetworkValidator.create({
    apiVersion: 'plexus.dev/v1alpha1',
    kind: 'OverlayNetwork',
    metadata: { name: 'green' },
    spec: { network, backend: { vni: 3 }, etcdPrefix: P },
  });
  if (r.value === undefined) throw new Error(JSON.stringify(r.findings));
  return new NetworkLeases({ name: 'green', etcdPrefix: P, plan: r.value.plan });
}
const kv = (key: string, value: string, rev: number): KeyValue => ({
  key,
  value,
  createRevision: String(rev),
  modRevision: String(rev),
  version: '1',
});
const ours = (node: string, ip: string): string =>
  leaseValue({ publicIp: ip, vni: 3, vtepMac: deriveVtepMac('green', node) });
const wish = (leases: NetworkLeases, over: Partial<NodeWish> = {}): NodeWish => ({
  leases,
  vni: 3,
  member: true,
  mayJoin: true,
  publicIp: '192.168.64.11',
  ...over,
});

describe('planNode', () => {
  it('joins: a free slot, lease and owner record created only if both are absent', () => {
    const l = index();
    const plan = planNode('a', [wish(l)]);
    expect(plan.reserved).toHaveLength(1);
    expect(plan.groups[0]?.ops).toEqual([
      {
        key: `${P}/subnets/10.5.0.4-30`,
        expect: 'absent',
        then: { put: ours('a', '192.168.64.11') },
      },
      { key: nodeOwnerKey(P, 'a'), expect: 'absent', then: { put: '10.5.0.4-30' } },
    ]);
  });

  it('does nothing for a node that holds its lease with the right address', () => {
    const l = index();
    l.replaceAll([
      kv(`${P}/subnets/10.5.0.8-30`, ours('a', '192.168.64.11'), 5),
      kv(nodeOwnerKey(P, 'a'), '10.5.0.8-30', 5),
    ]);
    expect(planNode('a', [wish(l)]).groups).toEqual([]);
  });

  it('moves a lease whose PublicIP changed, guarded by both revisions', () => {
    const l = index();
    l.replaceAll([
      kv(`${P}/subnets/10.5.0.8-30`, ours('a', '10.0.0.1'), 5),
      kv(nodeOwnerKey(P, 'a'), '10.5.0.8-30', 6),
    ]);
    expect(planNode('a', [wish(l)]).groups[0]?.ops).toEqual([
      {
        key: `${P}/subnets/10.5.0.8-30`,
        expect: { modRevision: '5' },
        then: { put: ours('a', '192.168.64.11') },
      },
      { key: nodeOwnerKey(P, 'a'), expect: { modRevision: '6' }, then: 'check' },
    ]);
  });

  it('repairs a deleted lease at the recorded subnet, keeping the VtepMAC', () => {
    const l = index();
    l.replaceAll([kv(nodeOwnerKey(P, 'a'), '10.5.0.12-30', 7)]);
    expect(planNode('a', [wish(l)]).groups[0]?.ops[0]).toEqual({
      key: `${P}/subnets/10.5.0.12-30`,
      expect: 'absent',
      then: { put: ours('a', '192.168.64.11') },
    });
  });

  it('drops a record whose subnet someone else took, and plans again', () => {
    const l = index();
    l.replaceAll([
      kv(nodeOwnerKey(P, 'a'), '10.5.0.12-30', 7),
      kv(`${P}/subnets/10.5.0.12-30`, ours('intruder', '1.2.3.4'), 8),
    ]);
    const plan = planNode('a', [wish(l)]);
    expect(plan.again).toBe(true);
    expect(plan.groups[0]?.ops).toEqual([
      { key: nodeOwnerKey(P, 'a'), expect: { modRevision: '7' }, then: 'delete' },
    ]);
  });

  it('drops a record that names no subnet of the plan (garbage, another length, outside)', () => {
    for (const value of ['not a subnet', '10.5.0.4-29', '10.9.0.4-30']) {
      const l = index();
      l.replaceAll([kv(nodeOwnerKey(P, 'a'), value, 9)]);
      const plan = planNode('a', [wish(l)]);
      expect(plan.again, value).toBe(true);
      expect(plan.groups[0]?.ops, value).toEqual([
        { key: nodeOwnerKey(P, 'a'), expect: { modRevision: '9' }, then: 'delete' },
      ]);
      expect(l.free, value).toBe(3);
    }
  });

  it('leaves: deletes our lease and the record, never a lease of someone else', () => {
    const l = index();
    l.replaceAll([
      kv(`${P}/subnets/10.5.0.8-30`, ours('a', '192.168.64.11'), 5),
      kv(nodeOwnerKey(P, 'a'), '10.5.0.8-30', 6),
    ]);
    expect(planNode('a', [wish(l, { member: false })]).groups[0]?.ops).toEqual([
      { key: `${P}/subnets/10.5.0.8-30`, expect: { modRevision: '5' }, then: 'delete' },
      { key: nodeOwnerKey(P, 'a'), expect: { modRevision: '6' }, then: 'delete' },
    ]);
    const t = index();
    t.replaceAll([
      kv(nodeOwnerKey(P, 'b'), '10.5.0.8-30', 6),
      kv(`${P}/subnets/10.5.0.8-30`, ours('x', '1.1.1.1'), 7),
    ]);
    expect(planNode('b', [wish(t, { member: false })]).groups[0]?.ops).toEqual([
      { key: nodeOwnerKey(P, 'b'), expect: { modRevision: '6' }, then: 'delete' },
    ]);
  });

  it('waits when every slot is taken; a node that may not join or has no address gets nothing new', () => {
    const l = index();
    for (const [i, ip] of ['10.5.0.4', '10.5.0.8', '10.5.0.12'].entries())
      l.applyPut(kv(`${P}/subnets/${ip}-30`, ours(`n${i}`, '1.1.1.1'), 10 + i));
    const plan = planNode('a', [wish(l)]);
    expect(plan.groups).toEqual([]);
    expect(plan.waiting).toEqual([l]);
    const free = index();
    expect(planNode('a', [wish(free, { mayJoin: false })]).groups).toEqual([]);
    expect(planNode('a', [wish(free, { publicIp: undefined })]).groups).toEqual([]);
  });
});
