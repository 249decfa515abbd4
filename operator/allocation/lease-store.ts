// The etcd side of allocation: one index per network, loaded by a paged list
// of its prefix and kept in step by a watch from the list's revision (re-listed
// when etcd compacted that history), and the writes, as guarded transactions:
// many groups (one per network a node joins or leaves) in one transaction, and
// when any key is not as expected, each group alone, so one conflict costs one
// group a retry and never blocks the others. Results are applied to the
// indexes at once; the watch's later report of them changes nothing.
import type { EtcdClient, GuardedOp, KeyValue, PrefixWatch } from '../../lib/etcd/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import { NetworkLeases } from './network-leases.ts';
import type { NetworkRef } from './network-leases.ts';

/** etcd's default --max-txn-ops is 128 per branch; stay well below. */
const MAX_OPS_PER_TXN = 120;

/** Ops on one network's keys that must succeed or fail together. */
export interface TxnGroup {
  leases: NetworkLeases;
  ops: GuardedOp[];
}

export interface GroupOutcome {
  group: TxnGroup;
  succeeded: boolean;
  /** When not: the current value of every key of the group. */
  current?: Map<string, KeyValue | undefined>;
}

export interface LeaseStoreEvents {
  /** The watch changed an index (a write we did not make, or one we had not applied). */
  changed(network: string, key: string): void;
  /** Every key was re-read (start or compaction): anything may have changed. */
  reloaded(network: string): void;
  /** The watch hit an error it does not recover from by itself. */
  error?(network: string, err: Error): void;
}

export interface LeaseStoreOptions {
  etcd: EtcdClient;
  logger: Logger;
  events: LeaseStoreEvents;
  /** Counts each etcd request by kind (txn, range, watch). */
  count?: (op: 'txn' | 'range' | 'watch') => void;
}

interface Opened {
  leases: NetworkLeases;
  watch?: PrefixWatch;
  closed: boolean;
}

export class LeaseStore {
  private readonly opts: LeaseStoreOptions;
  private readonly open = new Map<string, Opened>();
  private readonly opening = new Map<string, Promise<NetworkLeases>>();
  /** Keys of our transactions in flight: their watch events are our own echo, not news. */
  private readonly inflight = new Map<string, number>();

  constructor(opts: LeaseStoreOptions) {
    this.opts = opts;
  }

  /** The loaded index of a network, if it is open with this plan. */
  get(name: string): NetworkLeases | undefined {
    return this.open.get(name)?.leases;
  }

  /** Loads (once) the index of a network and keeps it in step; a changed prefix or plan reloads it. */
  async load(ref: NetworkRef): Promise<NetworkLeases> {
    const current = this.open.get(ref.name);
    if (current !== undefined && sameRef(current.leases.ref, ref)) return current.leases;
    const inFlight = this.opening.get(ref.name);
    if (inFlight !== undefined) return inFlight;
    const p = (async () => {
      if (current !== undefined) await this.close(ref.name);
      const opened: Opened = { leases: new NetworkLeases(ref), closed: false };
      await this.relist(opened);
      this.open.set(ref.name, opened);
      return opened.leases;
    })().finally(() => this.opening.delete(ref.name));
    this.opening.set(ref.name, p);
    return p;
  }

  async close(name: string): Promise<void> {
    const o = this.open.get(name);
    if (o === undefined) return;
    this.open.delete(name);
    o.closed = true;
    await o.watch?.stop().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((n) => this.close(n)));
  }

  /** Commits the groups: one transaction for all when every key is as expected, else each alone. */
  async commit(groups: readonly TxnGroup[]): Promise<GroupOutcome[]> {
    const out: GroupOutcome[] = [];
    for (const batch of batches(groups)) {
      const ops = batch.flatMap((g) => g.ops);
      if (ops.length === 0) continue;
      const all = await this.txn(ops);
      if (all.succeeded) {
        for (const g of batch) {
          applyOwn(g, all.revision);
          out.push({ group: g, succeeded: true });
        }
        continue;
      }
      if (batch.length === 1) {
        out.push(this.learn(batch[0] as TxnGroup, all.current));
        continue;
      }
      for (const g of batch) {
        const r = await this.txn(g.ops);
        if (r.succeeded) {
          applyOwn(g, r.revision);
          out.push({ group: g, succeeded: true });
        } else out.push(this.learn(g, r.current));
      }
    }
    return out;
  }

  /** Puts `<prefix>/config` if absent or still at modRevision; false when someone got there first. */
  async putConfig(leases: NetworkLeases, key: string, value: string): Promise<boolean> {
    const expect = leases.configKv
      ? { modRevision: leases.configKv.modRevision }
      : ('absent' as const);
    const [r] = await this.commit([{ leases, ops: [{ key, expect, then: { put: value } }] }]);
    return r?.succeeded ?? false;
  }

  private async txn(ops: GuardedOp[]) {
    this.opts.count?.('txn');
    for (const op of ops) this.inflight.set(op.key, (this.inflight.get(op.key) ?? 0) + 1);
    try {
      return await this.opts.etcd.guardedTxn(ops);
    } finally {
      for (const op of ops) {
        const n = (this.inflight.get(op.key) ?? 1) - 1;
        if (n === 0) this.inflight.delete(op.key);
        else this.inflight.set(op.key, n);
      }
    }
  }

  /** A watch event changed the index: news unless it is the echo of our own write in flight
   * (a write of someone else to such a key makes our guarded transaction fail and be retried). */
  private news(network: string, key: string): void {
    if (!this.inflight.has(key)) this.opts.events.changed(network, key);
  }

  /** A failed group: its keys' current values go into the index. */
  private learn(g: TxnGroup, current: Map<string, KeyValue | undefined> | undefined): GroupOutcome {
    for (const op of g.ops) {
      const kv = current?.get(op.key);
      if (kv !== undefined) g.leases.applyPut(kv);
    }
    return { group: g, succeeded: false, ...(current ? { current } : {}) };
  }

  private async relist(o: Opened): Promise<void> {
    const { etcd, logger, events } = this.opts;
    const ref = o.leases.ref;
    const prefix = `${ref.etcdPrefix}/`;
    await o.watch?.stop().catch(() => undefined);
    this.opts.count?.('range');
    const list = await etcd.listPrefix(prefix);
    if (o.closed) return;
    o.leases.replaceAll(list.kvs);
    events.reloaded(ref.name);
    this.opts.count?.('watch');
    o.watch = await etcd.watchPrefix(prefix, {
      fromRevision: String(BigInt(list.revision) + 1n),
      onPut: (kv) => {
        if (o.leases.applyPut(kv)) this.news(ref.name, kv.key);
      },
      onDelete: (kv) => {
        if (o.leases.applyDelete(kv.key, kv.modRevision)) this.news(ref.name, kv.key);
      },
      onCompacted: (err) => {
        logger.warn({ network: ref.name, err: err.message }, 'etcd watch compacted; re-listing');
        this.relistSoon(o);
      },
      onDisconnected: (err) =>
        logger.warn({ network: ref.name, err: err.message }, 'etcd watch disconnected; resuming'),
      onReconnected: () => logger.info({ network: ref.name }, 'etcd watch resumed'),
      onError: (err) => {
        logger.warn({ network: ref.name, err: err.message }, 'etcd watch ended; re-listing');
        events.error?.(ref.name, err);
        this.relistSoon(o);
      },
    });
    if (o.closed) await o.watch.stop().catch(() => undefined);
  }

  /** Re-lists with a backoff until it works or the network is closed. */
  private relistSoon(o: Opened): void {
    let delay = 200;
    const attempt = (): void => {
      if (o.closed) return;
      this.relist(o).catch((e: unknown) => {
        this.opts.logger.warn(
          { network: o.leases.ref.name, err: (e as Error).message, retryInMs: delay },
          'etcd re-list failed',
        );
        setTimeout(attempt, delay).unref();
        delay = Math.min(delay * 2, 30_000);
      });
    };
    attempt();
  }
}

function sameRef(a: NetworkRef, b: NetworkRef): boolean {
  return (
    a.etcdPrefix === b.etcdPrefix &&
    a.plan.subnetLen === b.plan.subnetLen &&
    a.plan.subnetMin === b.plan.subnetMin &&
    a.plan.subnetMax === b.plan.subnetMax
  );
}

/** Groups cut into transactions of at most MAX_OPS_PER_TXN ops (a group is never split). */
function batches(groups: readonly TxnGroup[]): TxnGroup[][] {
  const out: TxnGroup[][] = [];
  let cur: TxnGroup[] = [];
  let n = 0;
  for (const g of groups) {
    if (n + g.ops.length > MAX_OPS_PER_TXN && cur.length > 0) {
      out.push(cur);
      cur = [];
      n = 0;
    }
    cur.push(g);
    n += g.ops.length;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Our committed writes, into the index now (the watch will repeat them). */
function applyOwn(g: TxnGroup, revision: string): void {
  for (const op of g.ops) {
    if (op.then === 'check') continue;
    if (op.then === 'delete') {
      g.leases.applyOwnDelete(op.key, revision);
      continue;
    }
    const created = op.expect === 'absent';
    g.leases.applyPut({
      key: op.key,
      value: op.then.put,
      createRevision: created ? revision : '0',
      modRevision: revision,
      version: created ? '1' : '0',
    });
  }
}
