// The dev cluster's fault tools against the real servers: a bare etcd (plain and
// TLS), etcd and kube-apiserver stopped, killed and restarted under running
// clients on the same port and data dir, and the fault proxy cutting a real
// watch and partitioning etcd. Later fault tests (operator, agent) build on these.
import { request } from 'node:https';
import type { ClientRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipReason, testRun } from './context.ts';
import { resolveBinaries } from '../devcluster/binaries.ts';
import type { Binaries } from '../devcluster/binaries.ts';
import { startControlPlane } from '../devcluster/control-plane.ts';
import type { ControlPlane } from '../devcluster/control-plane.ts';
import { etcdHealthy, startEtcd } from '../devcluster/etcd.ts';
import { startFaultProxy } from '../devcluster/fault-proxy.ts';
import { apiRequest, kubectl } from '../devcluster/kube.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import { writeKubeconfig } from '../devcluster/kubeconfig.ts';
import { createPki } from '../devcluster/pki.ts';
import { waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** etcd's v3 JSON gateway: put a key. */
async function etcdPut(endpoint: string, key: string, value: string): Promise<void> {
  const res = await fetch(`${endpoint}/v3/kv/put`, {
    method: 'POST',
    body: JSON.stringify({ key: b64(key), value: b64(value) }),
    signal: AbortSignal.timeout(5000),
  });
  expect(res.status).toBe(200);
}

/** etcd's v3 JSON gateway: the value of a key, or undefined. */
async function etcdGet(
  endpoint: string,
  key: string,
  timeoutMs = 5000,
): Promise<string | undefined> {
  const res = await fetch(`${endpoint}/v3/kv/range`, {
    method: 'POST',
    body: JSON.stringify({ key: b64(key) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json()) as { kvs?: { value?: string }[] };
  const v = body.kvs?.[0]?.value;
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString();
}

interface Watch {
  events: string[];
  /** Resolves with how the stream ended: 'end' (clean) or the error message. */
  ended: Promise<string>;
  req: ClientRequest;
}

/** A raw watch on configmaps in default through `server` (admin certificate), collecting event types and names. */
function watchConfigMaps(info: ControlPlaneInfo, server: string): Promise<Watch> {
  return new Promise((resolve, reject) => {
    const events: string[] = [];
    let endedWith: (how: string) => void = () => {};
    const ended = new Promise<string>((r) => (endedWith = r));
    const req = request(
      new URL('/api/v1/namespaces/default/configmaps?watch=1', server),
      {
        ca: readFileSync(info.caCert),
        cert: readFileSync(info.adminCert),
        key: readFileSync(info.adminKey),
      },
      (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
            const ev = JSON.parse(buf.slice(0, nl)) as {
              type: string;
              object: { metadata: { name: string } };
            };
            events.push(`${ev.type} ${ev.object.metadata.name}`);
            buf = buf.slice(nl + 1);
          }
        });
        res.on('end', () => endedWith('end'));
        res.on('error', (e) => endedWith(e.message));
        res.on('aborted', () => endedWith('aborted'));
        resolve({ events, ended, req });
      },
    );
    req.on('error', (e) => {
      endedWith(e.message);
      reject(e);
    });
    req.end();
  });
}

async function createConfigMap(info: ControlPlaneInfo, name: string): Promise<void> {
  await kubectl(info, ['create', 'configmap', name, '-n', 'default', `--from-literal=k=${name}`]);
}

describe.skipIf(skipReason() !== null)('dev cluster faults: bare etcd', () => {
  let run: Run;
  let binaries: Binaries;
  beforeAll(async () => {
    run = testRun();
    binaries = await resolveBinaries({ build: false });
  });
  afterAll(() => run.close());

  it('starts alone and keeps its data and port across a restart and a SIGKILL', async () => {
    const etcd = await startEtcd({ run, binary: binaries.etcd.path });
    await etcdPut(etcd.endpoint, '/plexus.dev/test/a', 'one');
    const { endpoint, pid } = etcd;

    await etcd.restart();
    expect(etcd.endpoint).toBe(endpoint);
    expect(etcd.pid).not.toBe(pid);
    expect(await etcdGet(endpoint, '/plexus.dev/test/a')).toBe('one');

    await etcd.kill();
    expect(etcd.isRunning()).toBe(false);
    await expect(etcdGet(endpoint, '/plexus.dev/test/a', 1000)).rejects.toThrow();
    await etcd.start();
    expect(await etcdGet(endpoint, '/plexus.dev/test/a')).toBe('one');
    await etcd.stop();
  });

  it('under TLS serves only clients with a certificate of its CA', async () => {
    const pki = await createPki(join(run.dir, 'etcd-tls-pki'));
    const etcd = await startEtcd({ run, binary: binaries.etcd.path, tls: pki });
    expect(etcd.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await etcdHealthy(etcd.endpoint, pki)).toBe(true);
    // Without a client certificate the TLS handshake is refused.
    await expect(fetch(`${etcd.endpoint}/health`)).rejects.toThrow();
    await etcd.stop();
  });
});

describe.skipIf(skipReason() !== null)('dev cluster faults: a control plane of its own', () => {
  let run: Run;
  let cp: ControlPlane;
  beforeAll(async () => {
    run = testRun();
    const binaries = await resolveBinaries({ build: false });
    cp = await startControlPlane({ run, binaries, crdsDir: null, log: () => {} });
  });
  afterAll(() => run.close());

  const readyz = async (): Promise<number> =>
    (await apiRequest(cp, 'GET', '/readyz', { timeoutMs: 5000 })).status;

  it('etcd restarted under a running kube-apiserver: it reconnects and the objects are kept', async () => {
    await createConfigMap(cp, 'before-etcd-stop');
    await cp.etcd.stop();
    await waitFor(
      'readyz to fail without etcd',
      async () => ((await readyz()) !== 200 ? true : undefined),
      {
        timeoutMs: 30_000,
      },
    );
    await cp.etcd.start();
    await waitFor(
      'readyz after etcd is back',
      async () => ((await readyz()) === 200 ? true : undefined),
      {
        timeoutMs: 60_000,
      },
    );
    const got = await kubectl(cp, ['get', 'configmap', 'before-etcd-stop', '-o', 'name']);
    expect(got.stdout.trim()).toBe('configmap/before-etcd-stop');
    await createConfigMap(cp, 'after-etcd-start');
  });

  it('kube-apiserver killed and started again answers on the same port with the same kubeconfig', async () => {
    const port = cp.apiserver.port;
    await cp.apiserver.kill();
    await expect(apiRequest(cp, 'GET', '/readyz', { timeoutMs: 2000 })).rejects.toThrow();
    await cp.apiserver.start();
    expect(cp.apiserver.port).toBe(port);
    expect(await readyz()).toBe(200);
    const got = await kubectl(cp, ['get', 'configmap', 'after-etcd-start', '-o', 'name']);
    expect(got.stdout.trim()).toBe('configmap/after-etcd-start');
  });

  it('the fault proxy cuts a real watch; a new watch through it sees new events', async () => {
    const proxy = await startFaultProxy({
      upstream: { host: '127.0.0.1', port: cp.apiserver.port },
    });
    try {
      const via = `https://${proxy.address}`;
      // A kubeconfig through the proxy works for kubectl as it does for the watch below.
      const proxied = { ...cp.info(), kubeconfig: join(run.dir, 'proxied.kubeconfig') };
      writeKubeconfig(proxied.kubeconfig, via, {
        caCert: cp.caCert,
        user: 'plexus-admin',
        cert: cp.adminCert,
        key: cp.adminKey,
      });
      const first = await watchConfigMaps(cp, via);
      await createConfigMap(proxied, 'seen-by-first-watch');
      await waitFor(
        'the first watch event',
        async () => (first.events.includes('ADDED seen-by-first-watch') ? true : undefined),
        {
          timeoutMs: 10_000,
        },
      );
      expect(proxy.cutAll()).toBeGreaterThanOrEqual(1);
      expect(await first.ended).not.toBe('');

      const second = await watchConfigMaps(cp, via);
      await createConfigMap(cp, 'seen-by-second-watch');
      await waitFor(
        'the second watch event',
        async () => (second.events.includes('ADDED seen-by-second-watch') ? true : undefined),
        {
          timeoutMs: 10_000,
        },
      );
      expect(first.events).not.toContain('ADDED seen-by-second-watch');
      second.req.destroy();
    } finally {
      await proxy.close();
    }
  });

  it('a paused proxy in front of etcd makes it unreachable until resumed', async () => {
    const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: cp.etcd.port } });
    try {
      const via = `http://${proxy.address}`;
      expect(await etcdHealthy(via)).toBe(true);
      proxy.pause();
      await expect(etcdHealthy(via)).rejects.toThrow(/timeout|aborted/i);
      proxy.resume();
      expect(await etcdHealthy(via)).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});
