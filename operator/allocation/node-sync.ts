// Brings one node's leases to what it should hold: plan, commit, and plan
// again while something moved under us (a conflict teaches the index the
// current values, so the next round chooses differently) or a stale record was
// dropped. Bounded: a node that cannot settle fails its reconcile, which is
// retried with backoff.
import type { LeaseStore } from './lease-store.ts';
import type { NetworkLeases } from './network-leases.ts';
import { planNode } from './node-plan.ts';
import type { NodeWish } from './node-plan.ts';

const ROUNDS = 4;

export interface NodeSyncResult {
  /** Networks where the node waits for a free subnet. */
  waiting: NetworkLeases[];
  /** Networks whose keys this sync changed. */
  changed: Set<NetworkLeases>;
}

export async function syncNodeLeases(
  store: LeaseStore,
  node: string,
  wishes: () => readonly NodeWish[],
): Promise<NodeSyncResult> {
  const changed = new Set<NetworkLeases>();
  let conflicts = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const plan = planNode(node, wishes());
    if (plan.groups.length === 0) return { waiting: plan.waiting, changed };
    let again = plan.again;
    try {
      for (const o of await store.commit(plan.groups)) {
        if (o.succeeded) changed.add(o.group.leases);
        else {
          again = true;
          conflicts++;
        }
      }
    } finally {
      for (const r of plan.reserved) r.leases.unreserve(r.slot);
    }
    if (!again) return { waiting: plan.waiting, changed };
  }
  throw new Error(
    `node ${node}: leases did not settle after ${ROUNDS} rounds (${conflicts} conflicting writes in etcd); retrying`,
  );
}
