// lib/etcd against real etcd servers of its own: create-if-absent never overwrites (also under
// racing writers, and per key when a multi-key transaction conflicts), prefix lists page at one
// revision, the prefix watch resumes after an etcd restart without missing a write and reports
// a compaction, and TLS with client certificates works over several endpoints.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEtcdClient } from '../lib/etcd/index.ts';
import type { EtcdClient, KeyValue } from '../lib/etcd/index.ts';
import { createCa, issueCertificate } from '../devcluster/pki.ts';
import { startFaultProxy } from '../devcluster/fault-proxy.ts';
import { skipReason, testRun } from './context.ts';
import { resolveBinaries } from '../devcluster/binaries.ts';
import { freePort } from '../devcluster/free-port.ts';
import { startDaemon, waitFor } from '../devcluster/proc.ts';
import type { Daemon } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';

interface EtcdServer {
  endpoint: string;
  start(): Daemon;
  daemon: Daemon;
}

describe.skipIf(skipReason() !== null)('lib/etcd', () => {
  let run: Run;
  let etcdBin: string;

  /** An etcd of its own (same data dir and ports across restarts); `tls` makes it https with client certs. */
  async function etcdServer(
    name: string,
    tls?: { ca: string; cert: string; key: string },
  ): Promise<EtcdServer> {
    const [client, peer] = await Promise.all([freePort(), freePort()]);
    const scheme = tls ? 'https' : 'http';
    const endpoint = `${scheme}://127.0.0.1:${client}`;
    const args = [
      `--name=${name}`,
      `--data-dir=${join(run.dir, name)}`,
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-cluster=${name}=http://127.0.0.1:${peer}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
      ...(tls
        ? [
            `--cert-file=${tls.cert}`,
            `--key-file=${tls.key}`,
            '--client-cert-auth',
            `--trusted-ca-file=${tls.ca}`,
          ]
        : []),
    ];
    const server: EtcdServer = {
      endpoint,
      start() {
        const d = startDaemon({
          name: `etcd-${name}`,
          cmd: etcdBin,
          args,
          logFile: join(run.dir, `${name}.log`),
        });
        run.onClose(`etcd ${name}`, () => d.stop());
        server.daemon = d;
        return d;
      },
      daemon: undefined as unknown as Daemon,
    };
    server.start();
    return server;
  }

  async function ready(client: EtcdClient): Promise<void> {
    await waitFor('etcd to answer', async () => (await client.get('/ready-probe'), true) as true, {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
  }

  let plain: EtcdServer;
  let client: EtcdClient;

  beforeAll(async () => {
    run = testRun();
    etcdBin = (await resolveBinaries({ build: false })).etcd.path;
    plain = await etcdServer('plain');
    client = createEtcdClient({ endpoints: [plain.endpoint], dialTimeoutMs: 2000 });
    await ready(client);
  });
  afterAll(async () => {
    client?.close();
    await run?.close();
  });

  it('create-if-absent never overwrites, even with 20 racing writers', async () => {
    expect((await client.createIfAbsent('/t/one', 'first')).created).toBe(true);
    const second = await client.createIfAbsent('/t/one', 'second');
    expect(second.created).toBe(false);
    expect(second.existing?.value).toBe('first');
    expect((await client.get('/t/one'))?.value).toBe('first');

    const racers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.createIfAbsent('/t/race', `writer-${i}`)),
    );
    const winners = racers.map((r, i) => (r.created ? i : -1)).filter((i) => i >= 0);
    expect(winners).toHaveLength(1);
    expect((await client.get('/t/race'))?.value).toBe(`writer-${winners[0]}`);
    // Every loser was told who holds it.
    for (const r of racers.filter((x) => !x.created))
      expect(r.existing?.value).toBe(`writer-${winners[0]}`);
  });

  it('creates many keys in one transaction, and per key when someone holds one of them', async () => {
    const all = await client.createAllIfAbsent([
      { key: '/m/a', value: '1' },
      { key: '/m/b', value: '1' },
    ]);
    expect([...all.values()].every((r) => r.created)).toBe(true);
    // One transaction: one revision for both.
    expect(new Set([...all.values()].map((r) => r.revision)).size).toBe(1);
    await client.put('/m/foreign', 'flanneld');
    const mixed = await client.createAllIfAbsent([
      { key: '/m/c', value: '2' },
      { key: '/m/foreign', value: 'ours' },
      { key: '/m/d', value: '2' },
    ]);
    expect(mixed.get('/m/c')?.created).toBe(true);
    expect(mixed.get('/m/d')?.created).toBe(true);
    expect(mixed.get('/m/foreign')).toMatchObject({
      created: false,
      existing: { value: 'flanneld' },
    });
    expect((await client.get('/m/foreign'))?.value).toBe('flanneld');
  });

  it('deletes a key only while it is unchanged', async () => {
    await client.put('/d/k', 'v1');
    const kv = (await client.get('/d/k')) as KeyValue;
    await client.put('/d/k', 'v2');
    expect(await client.deleteIfUnchanged('/d/k', kv.modRevision)).toBe(false);
    const now = (await client.get('/d/k')) as KeyValue;
    expect(await client.deleteIfUnchanged('/d/k', now.modRevision)).toBe(true);
    expect(await client.get('/d/k')).toBeUndefined();
  });

  it('lists a prefix in pages at one revision', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => ({
      key: `/p/subnets/${String(i).padStart(5, '0')}`,
      value: `v${i}`,
    }));
    for (let i = 0; i < keys.length; i += 100)
      await client.createAllIfAbsent(keys.slice(i, i + 100));
    await client.put('/p/subnetsX', 'not under /p/subnets/');
    const list = await client.listPrefix('/p/subnets/', 1000);
    expect(list.kvs).toHaveLength(2500);
    expect(list.kvs[2499]).toMatchObject({ key: '/p/subnets/02499', value: 'v2499' });
    expect(BigInt(list.revision)).toBeGreaterThan(0n);
  });

  it('resumes a prefix watch after an etcd restart, missing no write', async () => {
    const { revision } = await client.listPrefix('/w/');
    const seen: string[] = [];
    let disconnects = 0;
    let reconnects = 0;
    const watch = await client.watchPrefix('/w/', {
      fromRevision: String(BigInt(revision) + 1n),
      onPut: (kv) => seen.push(`put ${kv.key}=${kv.value}`),
      onDelete: (kv, prev) => seen.push(`delete ${kv.key} (was ${prev?.value})`),
      onCompacted: () => seen.push('compacted'),
      onDisconnected: () => disconnects++,
      onReconnected: () => reconnects++,
    });
    try {
      await client.put('/w/1', 'a');
      await waitFor('put 1', async () => (seen.length === 1 ? true : undefined), {
        timeoutMs: 5000,
      });
      await plain.daemon.stop();
      plain.start();
      // A fresh client writes as soon as etcd is back, before the watch has re-attached.
      const writer = createEtcdClient({ endpoints: [plain.endpoint] });
      await ready(writer);
      await writer.put('/w/2', 'b');
      await writer.put('/w/3', 'c');
      await writer.raw.delete().key('/w/1').exec();
      writer.close();
      await waitFor(
        'the writes made while the watch was away',
        async () => (seen.length === 4 ? true : undefined),
        {
          timeoutMs: 30_000,
        },
      );
      expect(seen).toEqual(['put /w/1=a', 'put /w/2=b', 'put /w/3=c', 'delete /w/1 (was a)']);
      expect(disconnects).toBeGreaterThanOrEqual(1);
      expect(reconnects).toBeGreaterThanOrEqual(1);
      // And the long-lived client itself is usable again.
      await waitFor(
        'the client to reconnect',
        async () => ((await client.createIfAbsent('/w/after', 'x')).created ? true : undefined),
        {
          timeoutMs: 30_000,
        },
      );
    } finally {
      await watch.stop();
    }
  });

  it('reports a compaction that happened while the watch was cut off, so the caller re-lists', async () => {
    const proxy = await startFaultProxy({
      upstream: { host: '127.0.0.1', port: Number(new URL(plain.endpoint).port) },
    });
    const viaProxy = createEtcdClient({ endpoints: [`http://127.0.0.1:${proxy.port}`] });
    try {
      const { revision } = await viaProxy.listPrefix('/c/');
      const compacted: string[] = [];
      const puts: string[] = [];
      const watch = await viaProxy.watchPrefix('/c/', {
        fromRevision: String(BigInt(revision) + 1n),
        onPut: (kv) => puts.push(kv.key),
        onDelete: () => {},
        onCompacted: (e) => compacted.push(e.message),
      });
      await client.put('/c/1', 'x');
      await waitFor('put', async () => (puts.length === 1 ? true : undefined), { timeoutMs: 5000 });
      proxy.setRefusing(true);
      proxy.cutAll();
      await client.put('/c/2', 'y');
      await client.put('/c/3', 'z');
      const { header } = await client.raw.kv.range({ key: Buffer.from('/c/') });
      await client.raw.kv.compact({ revision: header.revision, physical: true });
      proxy.setRefusing(false);
      await waitFor(
        'the compaction report',
        async () => (compacted.length > 0 ? true : undefined),
        {
          timeoutMs: 30_000,
        },
      );
      expect(compacted[0]).toMatch(/compacted/);
      // The events it could not deliver are not invented: the caller re-lists instead.
      expect(puts).toEqual(['/c/1']);
      const relist = await viaProxy.listPrefix('/c/');
      expect(relist.kvs.map((k) => k.key)).toEqual(['/c/1', '/c/2', '/c/3']);
      await watch.stop().catch(() => {});
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  });

  it('speaks TLS with a client certificate, over several endpoints (one of them dead)', async () => {
    const pkiDir = join(run.dir, 'etcd-pki');
    const ca = await createCa(pkiDir);
    const [server, clientCert] = await Promise.all([
      issueCertificate(pkiDir, ca, { name: 'etcd-server' }),
      issueCertificate(pkiDir, ca, { name: 'etcd-client', usage: 'client' }),
    ]);
    const secure = await etcdServer('secure', { ca: ca.cert, cert: server.cert, key: server.key });
    const dead = `https://127.0.0.1:${await freePort()}`;
    const tlsClient = createEtcdClient({
      endpoints: [dead, secure.endpoint],
      tls: { caFile: ca.cert, certFile: clientCert.cert, keyFile: clientCert.key },
      dialTimeoutMs: 1000,
    });
    const noCert = createEtcdClient({
      endpoints: [secure.endpoint],
      tls: { caFile: ca.cert },
      dialTimeoutMs: 1000,
    });
    try {
      await waitFor(
        'a TLS write',
        async () => ((await tlsClient.createIfAbsent('/tls/k', 'v')).created ? true : undefined),
        {
          timeoutMs: 30_000,
          intervalMs: 300,
        },
      );
      expect((await tlsClient.get('/tls/k'))?.value).toBe('v');
      // etcd requires a client certificate: without one nothing gets through.
      await expect(noCert.get('/tls/k')).rejects.toThrow();
    } finally {
      tlsClient.close();
      noCert.close();
    }
  });
});
