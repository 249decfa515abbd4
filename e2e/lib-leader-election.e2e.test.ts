// Leader election on a real Lease with the default timings (lease 15 s, renew deadline 10 s,
// retry 2 s): one of two electors leads; a leader that stops releases the lease and the other
// takes over within a retry period; a leader that is SIGKILLed is replaced once its lease has
// expired, and not before. leader_election_master_status follows.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KubeClient,
  LEASES,
  LeaderElector,
  NAMESPACES,
  loadKubeConfig,
} from '../lib/kube/index.ts';
import { createRegistry } from '../lib/metrics/index.ts';
import { startFaultProxy } from '../devcluster/fault-proxy.ts';
import { controlPlane, skipReason, testRun } from './context.ts';
import { waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/elector.ts', import.meta.url));
const PINNED_NODE = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
const NODE = existsSync(PINNED_NODE) ? PINNED_NODE : process.execPath;

describe.skipIf(skipReason() !== null)('LeaderElector', () => {
  let run: Run;
  let client: KubeClient;
  let ns: string;

  beforeAll(async () => {
    run = testRun();
    client = new KubeClient(loadKubeConfig({ kubeconfig: controlPlane().kubeconfig }));
    ns = `lib-le-${run.tag}`;
    await client.create(NAMESPACES, { metadata: { name: ns } });
  });
  afterAll(async () => {
    await client?.delete(NAMESPACES, { name: ns }).catch(() => {});
    client?.close();
    await run?.close();
  });

  it('elects one of two; a stopped leader releases and the other takes over within the retry period', async () => {
    const registry = createRegistry({ defaultMetrics: false });
    const leading = new Set<string>();
    const make = (identity: string): LeaderElector =>
      new LeaderElector({
        client,
        namespace: ns,
        name: 'handover',
        identity,
        registry: identity === 'a' ? registry : undefined,
        onStartedLeading: () => leading.add(identity),
        onStoppedLeading: () => leading.delete(identity),
      });
    const a = make('a');
    const b = make('b');
    const runs = { a: a.run(), b: b.run() };
    await waitFor('a leader', async () => (leading.size > 0 ? true : undefined), {
      timeoutMs: 10_000,
    });
    // Hold for a few renewals: still exactly one leader.
    await new Promise((r) => setTimeout(r, 5000));
    expect(leading.size).toBe(1);
    const [first] = [...leading] as ['a' | 'b'];
    const [leader, follower] = first === 'a' ? [a, b] : [b, a];
    const lease = await client.get(LEASES, { name: 'handover', namespace: ns });
    expect(lease.spec).toMatchObject({
      holderIdentity: first,
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    const gauge = (): Promise<string> => registry.metrics();
    expect(await gauge()).toContain(
      `leader_election_master_status{name="handover"} ${first === 'a' ? 1 : 0}`,
    );

    const t0 = Date.now();
    await leader.stop();
    expect(await runs[first]).toBe('stopped');
    await waitFor('the other to lead', async () => (follower.isLeader() ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    const handover = Date.now() - t0;
    // Released, so no waiting for the 15 s lease: one retry period (2 s, jittered up to 1.2×).
    expect(handover).toBeLessThan(2 * 1.2 * 1000 + 500);
    expect(await gauge()).toContain(
      `leader_election_master_status{name="handover"} ${first === 'a' ? 0 : 1}`,
    );
    const after = await client.get(LEASES, { name: 'handover', namespace: ns });
    expect(after.spec?.holderIdentity).toBe(first === 'a' ? 'b' : 'a');
    expect(after.spec?.leaseTransitions).toBe(1);
    await follower.stop();
    console.log(`[lib-leader-election] released lease taken over in ${handover} ms`);
  });

  it('replaces a SIGKILLed leader once its lease has expired, not before', async () => {
    const child = spawn(NODE, [FIXTURE, controlPlane().kubeconfig, ns, 'killed', 'doomed'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        if (c.includes('"leading":true')) resolve();
      });
      child.on('exit', () => reject(new Error(`elector fixture exited: ${err}`)));
    });
    const successor = new LeaderElector({
      client,
      namespace: ns,
      name: 'killed',
      identity: 'successor',
    });
    const outcome = successor.run();
    await new Promise((r) => setTimeout(r, 3000));
    expect(successor.isLeader()).toBe(false);
    const lastRenew = Date.parse(
      (await client.get(LEASES, { name: 'killed', namespace: ns })).spec?.renewTime ?? '',
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const killedAt = Date.now();
    await waitFor('the successor to lead', async () => (successor.isLeader() ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    const tookOver = Date.now();
    // Not before the lease (15 s) ran out after the last renewal …
    expect(tookOver - lastRenew).toBeGreaterThanOrEqual(15_000);
    // … and soon after: at most a lease plus a jittered retry period after the kill.
    expect(tookOver - killedAt).toBeLessThan(15_000 + 2 * 1.2 * 1000 + 1000);
    const lease = await client.get(LEASES, { name: 'killed', namespace: ns });
    expect(lease.spec?.holderIdentity).toBe('successor');
    await successor.stop();
    expect(await outcome).toBe('stopped');
    console.log(
      `[lib-leader-election] killed leader replaced ${tookOver - killedAt} ms after SIGKILL`,
    );
  });

  it('gives up leadership when it cannot renew within the renew deadline', async () => {
    const proxy = await startFaultProxy({
      upstream: { host: '127.0.0.1', port: Number(new URL(controlPlane().server).port) },
    });
    const config = loadKubeConfig({ kubeconfig: controlPlane().kubeconfig });
    const cut = new KubeClient({ ...config, server: `https://127.0.0.1:${proxy.port}` });
    const registry = createRegistry({ defaultMetrics: false });
    let stopped = 0;
    let leaderSignal: AbortSignal | undefined;
    const elector = new LeaderElector({
      client: cut,
      namespace: ns,
      name: 'unreachable',
      identity: 'cut-off',
      registry,
      onStartedLeading: (signal) => (leaderSignal = signal),
      onStoppedLeading: () => stopped++,
    });
    try {
      const outcome = elector.run();
      await waitFor('leading', async () => (elector.isLeader() ? true : undefined), {
        timeoutMs: 10_000,
      });
      proxy.setRefusing(true);
      proxy.cutAll();
      const t0 = Date.now();
      expect(await outcome).toBe('lost');
      const lostAfter = Date.now() - t0;
      // The renew deadline (10 s) counts from the last renewal, at most a retry period before the cut.
      expect(lostAfter).toBeGreaterThanOrEqual(10_000 - 2000 - 500);
      expect(lostAfter).toBeLessThan(10_000 + 2000 + 1000);
      expect(stopped).toBe(1);
      expect(leaderSignal?.aborted).toBe(true);
      expect(await registry.metrics()).toContain(
        'leader_election_master_status{name="unreachable"} 0',
      );
    } finally {
      cut.close();
      await proxy.close();
    }
  });

  it('refuses timings that cannot work', () => {
    const base = { client, namespace: ns, name: 'x', identity: 'i' };
    expect(
      () => new LeaderElector({ ...base, leaseDurationMs: 5000, renewDeadlineMs: 5000 }),
    ).toThrow(/leaseDuration \(5000 ms\) must exceed renewDeadline/);
    expect(
      () => new LeaderElector({ ...base, renewDeadlineMs: 2000, retryPeriodMs: 2000 }),
    ).toThrow(/must exceed 1.2 × retryPeriod/);
  });
});
