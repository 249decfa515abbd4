// What one node's leases should become, network by network, as the guarded
// etcd operations that get there from what the index holds now. Level-triggered:
// it reads only the wanted state and the index, so running it again after a
// partial failure continues where the last run stopped.
//   join    no record: reserve a free slot, create lease and owner record (both absent)
//   repair  record without its lease: create the lease at the recorded subnet
//   move    our lease with a stale PublicIP: rewrite it, guarded by its revision
//   drop    record naming a subnet someone else's lease now holds, or outside the plan: delete
//           the record (the next round joins afresh)
//   leave   not wanted: delete our lease and the record, each guarded by its revision
// A node that cannot join because every slot is taken is reported as waiting.
import { leaseKey, leaseValue, nodeOwnerKey, subnetKeyName } from '../../api/overlay/index.ts';
import type { GuardedOp } from '../../lib/etcd/index.ts';
import type { NetworkLeases } from './network-leases.ts';
import type { TxnGroup } from './lease-store.ts';

/** What the node should have in one network. */
export interface NodeWish {
  leases: NetworkLeases;
  vni: number;
  /** The node should hold a lease here. */
  member: boolean;
  /** It may get a new one (Ready and selected); a member that is not keeps what it has. */
  mayJoin: boolean;
  /** Its PublicIP, when it has a usable address. */
  publicIp?: string;
}

export interface NodePlan {
  groups: TxnGroup[];
  /** Slots reserved for `groups`: give them back once the transaction ran. */
  reserved: { leases: NetworkLeases; slot: number }[];
  /** Networks where the node waits for a free subnet. */
  waiting: NetworkLeases[];
  /** Networks where a record was dropped: plan again after committing. */
  again: boolean;
}

export function planNode(node: string, wishes: readonly NodeWish[]): NodePlan {
  const plan: NodePlan = { groups: [], reserved: [], waiting: [], again: false };
  for (const w of wishes) {
    const ops = w.member ? joinOps(node, w, plan) : leaveOps(node, w.leases);
    if (ops.length > 0) plan.groups.push({ leases: w.leases, ops });
  }
  return plan;
}

function joinOps(node: string, w: NodeWish, plan: NodePlan): GuardedOp[] {
  const { leases } = w;
  const prefix = leases.ref.etcdPrefix;
  const ownerKey = nodeOwnerKey(prefix, node);
  const h = leases.holding(node);
  const value = (ip: string): string =>
    leaseValue({ publicIp: ip, vni: w.vni, vtepMac: leases.vtepMac(node) });
  if (h?.state === 'complete') {
    if (w.publicIp === undefined || h.publicIp === w.publicIp || h.lease === undefined) return [];
    return [
      {
        key: h.lease.key,
        expect: { modRevision: h.lease.modRevision },
        then: { put: value(w.publicIp) },
      },
      { key: ownerKey, expect: { modRevision: h.owner.modRevision }, then: 'check' },
    ];
  }
  if (h?.state === 'missing') {
    if (w.publicIp === undefined) return [];
    return [
      { key: leaseKey(prefix, h.subnet), expect: 'absent', then: { put: value(w.publicIp) } },
      { key: ownerKey, expect: { modRevision: h.owner.modRevision }, then: 'check' },
    ];
  }
  const stale = leases.ownerRecord(node);
  if (stale !== undefined) {
    // `taken`, or a record naming no subnet of the plan: let go of it, then join afresh.
    plan.again = true;
    return [{ key: ownerKey, expect: { modRevision: stale.modRevision }, then: 'delete' }];
  }
  if (!w.mayJoin || w.publicIp === undefined) return [];
  const slot = leases.reserve(node);
  if (slot === undefined) {
    plan.waiting.push(leases);
    return [];
  }
  plan.reserved.push({ leases, slot: slot.slot });
  return [
    { key: leaseKey(prefix, slot.subnet), expect: 'absent', then: { put: value(w.publicIp) } },
    { key: ownerKey, expect: 'absent', then: { put: subnetKeyName(slot.subnet) } },
  ];
}

function leaveOps(node: string, leases: NetworkLeases): GuardedOp[] {
  const owner = leases.ownerRecord(node);
  if (owner === undefined) return [];
  const h = leases.holding(node);
  const ops: GuardedOp[] = [];
  // Only our own lease goes; one someone else wrote at that subnet stays.
  if (h?.state === 'complete' && h.lease !== undefined)
    ops.push({ key: h.lease.key, expect: { modRevision: h.lease.modRevision }, then: 'delete' });
  ops.push({ key: owner.key, expect: { modRevision: owner.modRevision }, then: 'delete' });
  return ops;
}
