// The informer under faults, on a control plane of its own (ConfigMaps served without the watch
// cache, so an etcd compaction reaches the watch as 410 Gone): its watch connections cut again
// and again through a TCP proxy while objects change, a compaction while it is cut off, and a
// kube-apiserver restart. Each time its store must end equal to the server's, with every
// delete delivered.
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIG_MAPS,
  Informer,
  KubeClient,
  NAMESPACES,
  loadKubeConfig,
} from '../lib/kube/index.ts';
import type { ConfigMap } from '../lib/kube/index.ts';
import { startFaultProxy } from '../devcluster/fault-proxy.ts';
import type { FaultProxy } from '../devcluster/fault-proxy.ts';
import { skipReason, testRun } from './context.ts';
import { startControlPlane } from '../devcluster/control-plane.ts';
import type { ControlPlane } from '../devcluster/control-plane.ts';
import { apiRequest } from '../devcluster/kube.ts';
import { waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';

/** An informer whose handlers keep a mirror (name → resourceVersion) and record deletes. */
function mirrored(informer: Informer<ConfigMap>): {
  mirror: Map<string, string>;
  deleted: Map<string, boolean>;
} {
  const mirror = new Map<string, string>();
  const deleted = new Map<string, boolean>();
  const set = (o: ConfigMap): void =>
    void mirror.set(o.metadata?.name ?? '', o.metadata?.resourceVersion ?? '');
  informer.on('add', set);
  informer.on('update', (_old, o) => set(o));
  informer.on('delete', (o, info) => {
    mirror.delete(o.metadata?.name ?? '');
    deleted.set(o.metadata?.name ?? '', info.finalStateUnknown);
  });
  return { mirror, deleted };
}

describe.skipIf(skipReason() !== null)('Informer under faults', () => {
  let run: Run;
  let cp: ControlPlane;
  let proxy: FaultProxy;
  let direct: KubeClient;
  let viaProxy: KubeClient;
  let etcd: Etcd3;

  beforeAll(async () => {
    run = testRun();
    cp = await startControlPlane({
      run,
      crdsDir: null,
      log: () => {},
      apiserverArgs: ['--watch-cache-sizes=configmaps#0'],
    });
    proxy = await startFaultProxy({
      upstream: { host: '127.0.0.1', port: Number(new URL(cp.server).port) },
    });
    const config = loadKubeConfig({ kubeconfig: cp.kubeconfig });
    direct = new KubeClient(config);
    viaProxy = new KubeClient({ ...config, server: `https://127.0.0.1:${proxy.port}` });
    etcd = new Etcd3({ hosts: cp.etcdEndpoint });
  });
  afterAll(async () => {
    direct?.close();
    viaProxy?.close();
    etcd?.close();
    await proxy?.close();
    await run?.close();
  });

  async function serverState(ns: string): Promise<Map<string, string>> {
    const { items } = await direct.listAll(CONFIG_MAPS, { namespace: ns });
    return new Map(items.map((i) => [i.metadata?.name ?? '', i.metadata?.resourceVersion ?? '']));
  }

  async function converged(
    ns: string,
    mirror: Map<string, string>,
    informer: Informer<ConfigMap>,
  ): Promise<void> {
    await waitFor(
      'the informer to match the server',
      async () => {
        const server = await serverState(ns);
        const same =
          server.size === mirror.size &&
          [...server].every(([k, v]) => mirror.get(k) === v) &&
          informer.store.size === server.size;
        return same ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  }

  async function namespace(name: string): Promise<string> {
    await direct.create(NAMESPACES, { metadata: { name } });
    return name;
  }

  it('recovers from watch connections cut again and again, losing no change and no delete', async () => {
    const ns = await namespace('cuts');
    for (let i = 0; i < 20; i++)
      await direct.create(CONFIG_MAPS, { metadata: { name: `seed-${i}`, namespace: ns } });
    const informer = new Informer({
      client: viaProxy,
      type: CONFIG_MAPS,
      namespace: ns,
      backoff: { initialMs: 20, maxMs: 300 },
    });
    const { mirror, deleted } = mirrored(informer);
    informer.start();
    try {
      await informer.waitForSync();
      const live: string[] = [...mirror.keys()];
      const deletedOnServer: string[] = [];
      let stop = false;
      let cuts = 0;
      const cutter = (async () => {
        while (!stop) {
          await new Promise((r) => setTimeout(r, 150));
          if (proxy.cutAll() > 0) cuts++;
        }
      })();
      // At least 240 changes, and on until the connections were cut at least 10 times.
      for (let i = 0; i < 240 || cuts < 10; i++) {
        const op = i % 4;
        if (op === 3 && live.length > 0) {
          const name = live.splice(i % live.length, 1)[0] as string;
          await direct.delete(CONFIG_MAPS, { name, namespace: ns });
          deletedOnServer.push(name);
        } else if (op === 2 && live.length > 0) {
          const name = live[i % live.length] as string;
          await direct.patch(
            CONFIG_MAPS,
            { name, namespace: ns },
            { data: { i: String(i) } },
            { type: 'merge' },
          );
        } else {
          const name = `cm-${i}`;
          await direct.create(CONFIG_MAPS, { metadata: { name, namespace: ns } });
          live.push(name);
        }
      }
      stop = true;
      await cutter;
      await converged(ns, mirror, informer);
      expect(cuts).toBeGreaterThanOrEqual(10);
      expect(informer.stats.watches).toBeGreaterThan(cuts / 2);
      expect(informer.stats.errors).toBeGreaterThan(0);
      for (const name of deletedOnServer) expect(deleted.has(name), `delete of ${name}`).toBe(true);
      console.log(
        `[lib-informer] ${cuts} cuts: ${informer.stats.watches} watches, ${informer.stats.lists} lists, ` +
          `${informer.stats.errors} errors, ${deletedOnServer.length} deletes all delivered`,
      );
    } finally {
      await informer.stop();
    }
  });

  it('re-lists on 410 after a compaction and delivers the deletes it missed, with their last state', async () => {
    const ns = await namespace('compact');
    for (const name of ['a', 'b', 'c'])
      await direct.create(CONFIG_MAPS, { metadata: { name, namespace: ns }, data: { v: '1' } });
    const informer = new Informer({
      client: viaProxy,
      type: CONFIG_MAPS,
      namespace: ns,
      backoff: { initialMs: 50, maxMs: 300 },
    });
    const { mirror, deleted } = mirrored(informer);
    const updates: string[] = [];
    informer.on('update', (old, o) =>
      updates.push(`${o.metadata?.name} ${old.data?.v}→${o.data?.v}`),
    );
    let lastStateOfB: ConfigMap | undefined;
    informer.on('delete', (o) => {
      if (o.metadata?.name === 'b') lastStateOfB = o;
    });
    informer.start();
    try {
      await informer.waitForSync();
      // Cut it off, change things, and compact etcd past its resourceVersion.
      proxy.setRefusing(true);
      proxy.cutAll();
      await direct.delete(CONFIG_MAPS, { name: 'b', namespace: ns });
      await direct.patch(
        CONFIG_MAPS,
        { name: 'a', namespace: ns },
        { data: { v: '2' } },
        { type: 'merge' },
      );
      await direct.create(CONFIG_MAPS, { metadata: { name: 'd', namespace: ns } });
      const { header } = await etcd.kv.range({ key: Buffer.from('/registry') });
      await etcd.kv.compact({ revision: header.revision, physical: true });
      proxy.setRefusing(false);
      await converged(ns, mirror, informer);
      expect(informer.stats.relistsGone).toBeGreaterThanOrEqual(1);
      expect(informer.stats.lists).toBeGreaterThanOrEqual(2);
      expect(deleted.get('b')).toBe(true); // found by the re-list: final state unknown
      expect(lastStateOfB?.data).toEqual({ v: '1' });
      expect(updates).toContain('a 1→2');
      expect(informer.store.get(`${ns}/d`)).toBeDefined();
    } finally {
      proxy.setRefusing(false);
      await informer.stop();
    }
  });

  it('survives a kube-apiserver restart', async () => {
    const ns = await namespace('restart');
    await direct.create(CONFIG_MAPS, { metadata: { name: 'before', namespace: ns } });
    const informer = new Informer({
      client: direct,
      type: CONFIG_MAPS,
      namespace: ns,
      backoff: { initialMs: 100, maxMs: 1000 },
    });
    const { mirror, deleted } = mirrored(informer);
    informer.start();
    try {
      await informer.waitForSync();
      // Restart it exactly as it ran: same binary, flags, port and log.
      await cp.apiserver.stop();
      await new Promise((r) => setTimeout(r, 1500));
      await cp.apiserver.start();
      await waitFor(
        'kube-apiserver /readyz after the restart',
        async () =>
          (await apiRequest(cp, 'GET', '/readyz', { timeoutMs: 3000 })).status === 200
            ? true
            : undefined,
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      await direct.create(CONFIG_MAPS, { metadata: { name: 'after', namespace: ns } });
      await direct.delete(CONFIG_MAPS, { name: 'before', namespace: ns });
      await converged(ns, mirror, informer);
      expect(deleted.get('before')).toBeDefined();
      expect(mirror.has('after')).toBe(true);
      expect(informer.stats.errors).toBeGreaterThan(0);
    } finally {
      await informer.stop();
    }
  });
});
