// lib/etcd's guarded transaction against a real etcd: all keys as expected → every op applies;
// any key off → nothing applies and every key's current value comes back in the same round trip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEtcdClient } from '../lib/etcd/index.ts';
import type { EtcdClient } from '../lib/etcd/index.ts';
import { startEtcd } from '../devcluster/etcd.ts';
import type { Run } from '../devcluster/run.ts';
import { skipReason, testRun } from './context.ts';

describe.skipIf(skipReason() !== null)('EtcdClient.guardedTxn', () => {
  let run: Run;
  let etcd: EtcdClient;

  beforeAll(async () => {
    run = testRun();
    const server = await startEtcd({ run });
    etcd = createEtcdClient({ endpoints: [server.endpoint] });
  });
  afterAll(async () => {
    etcd?.close();
    await run?.close();
  });

  it('applies puts, deletes and checks only when every key is as expected', async () => {
    const created = await etcd.guardedTxn([
      { key: '/t/a', expect: 'absent', then: { put: 'A' } },
      { key: '/t/b', expect: 'absent', then: { put: 'B' } },
    ]);
    expect(created.succeeded).toBe(true);
    const a = await etcd.get('/t/a');
    const b = await etcd.get('/t/b');
    expect([a?.value, b?.value]).toEqual(['A', 'B']);

    // One key off: nothing happens, and the caller sees both keys as they are.
    const blocked = await etcd.guardedTxn([
      { key: '/t/a', expect: 'absent', then: { put: 'X' } },
      { key: '/t/c', expect: 'absent', then: { put: 'C' } },
    ]);
    expect(blocked.succeeded).toBe(false);
    expect(blocked.current?.get('/t/a')?.value).toBe('A');
    expect(blocked.current?.get('/t/c')).toBeUndefined();
    expect(await etcd.get('/t/c')).toBeUndefined();

    // Guarded by mod revision: a stale revision changes nothing, the right one deletes.
    const stale = await etcd.guardedTxn([
      { key: '/t/a', expect: { modRevision: '1' }, then: 'delete' },
    ]);
    expect(stale.succeeded).toBe(false);
    const gone = await etcd.guardedTxn([
      { key: '/t/a', expect: { modRevision: a?.modRevision ?? '' }, then: 'delete' },
      { key: '/t/b', expect: { modRevision: b?.modRevision ?? '' }, then: 'check' },
    ]);
    expect(gone.succeeded).toBe(true);
    expect(await etcd.get('/t/a')).toBeUndefined();
    expect((await etcd.get('/t/b'))?.value).toBe('B');
    expect(await etcd.countPrefix('/t/')).toBe(1);
  });

  it('says so when given no keys', async () => {
    await expect(etcd.guardedTxn([])).rejects.toThrow(/no keys/);
  });
});
