// A real etcd on 127.0.0.1 for a dev cluster, or alone (the operator's tests
// need a bare etcd): free ports, data under the run's dir, optionally TLS with
// client certificates. It can be stopped, killed and started again with the
// same data dir and ports, as fault tests need.
import { mkdirSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { resolveBinaries } from './binaries.ts';
import { freePort } from './free-port.ts';
import type { Pki } from './pki.ts';
import { waitFor } from './proc.ts';
import type { Run } from './run.ts';
import { startService } from './service.ts';
import type { Service } from './service.ts';

export interface EtcdOptions {
  run: Run;
  /** The etcd binary; resolved (and built when missing) otherwise. */
  binary?: string;
  /** Holds its data (`data/`) and log (`etcd.log`); default a new dir in the run's dir. */
  dir?: string;
  /** Serve clients over TLS with this PKI's serving certificate and require client certificates of its CA. */
  tls?: Pki;
  readyTimeoutMs?: number;
}

export interface Etcd extends Service {
  /** Client URL: http(s)://127.0.0.1:<port>. The same across restarts. */
  readonly endpoint: string;
  readonly port: number;
  readonly dataDir: string;
}

interface EtcdLayout {
  endpoint: string;
  peer: string;
  dataDir: string;
  tls?: Pki;
}

function etcdArgs(l: EtcdLayout): string[] {
  const tls = l.tls
    ? [
        `--cert-file=${l.tls.serving.cert}`,
        `--key-file=${l.tls.serving.key}`,
        `--trusted-ca-file=${l.tls.ca.cert}`,
        '--client-cert-auth',
      ]
    : [];
  return [
    '--name=plexus',
    `--data-dir=${l.dataDir}`,
    `--listen-client-urls=${l.endpoint}`,
    `--advertise-client-urls=${l.endpoint}`,
    `--listen-peer-urls=${l.peer}`,
    `--initial-advertise-peer-urls=${l.peer}`,
    `--initial-cluster=plexus=${l.peer}`,
    ...tls,
    // Test data: durability across power loss does not matter, speed does.
    '--unsafe-no-fsync',
    '--log-level=warn',
  ];
}

/** GET <endpoint>/health: true when etcd says it is healthy (with the admin client certificate under TLS). */
export async function etcdHealthy(endpoint: string, tls?: Pki): Promise<boolean> {
  const url = `${endpoint}/health`;
  if (!tls) {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return ((await res.json()) as { health?: unknown }).health === 'true';
  }
  const body = await new Promise<string>((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        ca: readFileSync(tls.ca.cert),
        cert: readFileSync(tls.admin.cert),
        key: readFileSync(tls.admin.key),
        timeout: 2000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
  return (JSON.parse(body) as { health?: unknown }).health === 'true';
}

/** Starts etcd and waits for /health; stopped when the run closes. */
export async function startEtcd(opts: EtcdOptions): Promise<Etcd> {
  const binary = opts.binary ?? (await resolveBinaries()).etcd.path;
  const dir = opts.dir ?? join(opts.run.dir, `etcd-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  const [port, peerPort] = await Promise.all([freePort(), freePort()]);
  const endpoint = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const layout = {
    endpoint,
    peer: `http://127.0.0.1:${peerPort}`,
    dataDir: join(dir, 'data'),
    tls: opts.tls,
  };
  const service = await startService({
    name: 'etcd',
    cmd: binary,
    args: etcdArgs(layout),
    logFile: join(dir, 'etcd.log'),
    ready: async (abort) => {
      const healthy = async (): Promise<true | undefined> =>
        (await etcdHealthy(endpoint, opts.tls)) ? true : undefined;
      await waitFor('etcd /health', healthy, { timeoutMs: opts.readyTimeoutMs ?? 30_000, abort });
    },
  });
  opts.run.onClose(`etcd in ${dir}`, () => service.stop());
  return Object.assign(service, { endpoint, port, dataDir: layout.dataDir });
}
