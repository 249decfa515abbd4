// A real control plane for tests and `plexus dev`: etcd and kube-apiserver on
// 127.0.0.1 with free ports, certificates from pki.ts, RBAC on, kubeconfigs
// written, CRDs from crds/ installed and Established.
import { mkdirSync, writeFileSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { resolveBinaries } from './binaries.ts';
import type { Binaries } from './binaries.ts';
import { createPki } from './pki.ts';
import type { Pki, ClientIdentity } from './pki.ts';
import { startDaemon, waitFor } from './proc.ts';
import type { Daemon } from './proc.ts';
import { apiRequest, kubectl } from './kube.ts';
import type { ControlPlaneInfo, StartTimings } from './kube.ts';
import type { Run } from './run.ts';

export const DEFAULT_CRDS_DIR = fileURLToPath(new URL('../crds/', import.meta.url));
export const SERVICE_CIDR = '10.96.0.0/16';

export interface ControlPlane extends ControlPlaneInfo {
  etcd: Daemon;
  apiserver: Daemon;
  /** Plain-data view, safe to pass between processes. */
  info(): ControlPlaneInfo;
  /** Stops kube-apiserver, then etcd. Idempotent. The run's close() removes the files. */
  stop(): Promise<void>;
}

export interface StartOptions {
  run: Run;
  /** Already resolved binaries; resolved (and built when missing) otherwise. */
  binaries?: Binaries;
  /** Directory of CRD YAMLs to install; default crds/ of this repo. null installs none. */
  crdsDir?: string | null;
  log?: (line: string) => void;
  /** Extra kube-apiserver flags. */
  apiserverArgs?: string[];
  readyTimeoutMs?: number;
}

/** A TCP port free on 127.0.0.1 right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** A kubeconfig with everything embedded, so it works wherever it is copied. */
export function kubeconfigYaml(
  server: string,
  caCertPem: string,
  identity: { user: string; certPem: string; keyPem: string },
): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'plexus', cluster: { server, 'certificate-authority-data': b64(caCertPem) } },
    ],
    users: [
      {
        name: identity.user,
        user: {
          'client-certificate-data': b64(identity.certPem),
          'client-key-data': b64(identity.keyPem),
        },
      },
    ],
    contexts: [{ name: 'plexus', context: { cluster: 'plexus', user: identity.user } }],
    'current-context': 'plexus',
  });
}

function writeKubeconfig(path: string, server: string, pki: Pki, id: ClientIdentity): void {
  const yaml = kubeconfigYaml(server, readFileSync(pki.ca.cert, 'utf8'), {
    user: id.user,
    certPem: readFileSync(id.cert, 'utf8'),
    keyPem: readFileSync(id.key, 'utf8'),
  });
  writeFileSync(path, yaml, { mode: 0o600 });
}

/** CRD manifests of a dir (*.yaml, *.yml, *.json), sorted; none when the dir is missing. */
export function crdFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Applies CRD manifests server-side and waits until every CRD is Established. Returns the CRD names. */
export async function installCrds(
  info: ControlPlaneInfo,
  files: readonly string[],
  timeoutSeconds = 60,
): Promise<string[]> {
  if (files.length === 0) return [];
  const res = await kubectl(info, [
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager=plexus-harness',
    '-o',
    'name',
    ...files.flatMap((f) => ['-f', f]),
  ]);
  const names = res.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('customresourcedefinition.apiextensions.k8s.io/'));
  if (names.length > 0) {
    await kubectl(
      info,
      ['wait', '--for=condition=Established', `--timeout=${timeoutSeconds}s`, ...names],
      {
        timeoutMs: (timeoutSeconds + 10) * 1000,
      },
    );
  }
  return names.map((n) => n.slice(n.indexOf('/') + 1));
}

async function etcdHealthy(endpoint: string): Promise<true | undefined> {
  const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(2000) });
  const body = (await res.json()) as { health?: unknown };
  return body.health === 'true' ? true : undefined;
}

export async function startControlPlane(opts: StartOptions): Promise<ControlPlane> {
  const t0 = performance.now();
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { run } = opts;
  const since = (t: number): number => (performance.now() - t) / 1000;

  let t = performance.now();
  const binaries = opts.binaries ?? (await resolveBinaries({ progress: log }));
  const binariesSeconds = opts.binaries ? opts.binaries.seconds : since(t);

  const dir = join(run.dir, `cp-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(dir, 'logs'));
  t = performance.now();
  const pki = await createPki(join(dir, 'pki'));
  const pkiSeconds = since(t);

  const [etcdClientPort, etcdPeerPort, apiPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
  ]);
  const etcdEndpoint = `http://127.0.0.1:${etcdClientPort}`;
  const server = `https://127.0.0.1:${apiPort}`;

  const daemons: Daemon[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // API server first, so it does not log etcd errors on the way down.
    for (const d of daemons.reverse()) await d.stop();
  };
  run.onClose(`control plane in ${dir}`, stop);

  try {
    t = performance.now();
    const peer = `http://127.0.0.1:${etcdPeerPort}`;
    const etcd = startDaemon(
      'etcd',
      binaries.etcd.path,
      [
        '--name=plexus',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdEndpoint}`,
        `--advertise-client-urls=${etcdEndpoint}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=plexus=${peer}`,
        // Test data: durability across power loss does not matter, speed does.
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      join(dir, 'logs', 'etcd.log'),
    );
    daemons.push(etcd);
    await waitFor('etcd /health', () => etcdHealthy(etcdEndpoint), {
      timeoutMs: 30_000,
      abort: () => (etcd.isRunning() ? undefined : `etcd exited:\n${etcd.logTail()}`),
    });
    const etcdSeconds = since(t);

    t = performance.now();
    const apiserver = startDaemon(
      'kube-apiserver',
      binaries.kubeApiserver.path,
      [
        `--etcd-servers=${etcdEndpoint}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--cert-dir=${join(dir, 'apiserver-certs')}`,
        `--tls-cert-file=${pki.serving.cert}`,
        `--tls-private-key-file=${pki.serving.key}`,
        `--client-ca-file=${pki.ca.cert}`,
        '--authorization-mode=RBAC',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${pki.serviceAccountPub}`,
        `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        '--allow-privileged=true',
        // No controller-manager runs, so nothing would create the "default" service accounts pods need.
        '--disable-admission-plugins=ServiceAccount',
        // The "kubernetes" Service endpoints may not be a loopback address; there is no in-cluster client anyway.
        '--endpoint-reconciler-type=none',
        '--profiling=false',
        ...(opts.apiserverArgs ?? []),
      ],
      join(dir, 'logs', 'kube-apiserver.log'),
    );
    daemons.push(apiserver);

    const kubeconfig = join(dir, 'admin.kubeconfig');
    const restrictedKubeconfig = join(dir, 'restricted.kubeconfig');
    writeKubeconfig(kubeconfig, server, pki, pki.admin);
    writeKubeconfig(restrictedKubeconfig, server, pki, pki.restricted);

    const timings: StartTimings = {
      binariesSeconds,
      binariesSource: [
        ...new Set([binaries.kubeApiserver.source, binaries.kubectl.source, binaries.etcd.source]),
      ].join('+'),
      pkiSeconds,
      etcdSeconds,
      apiserverSeconds: 0,
      crdsSeconds: 0,
      totalSeconds: 0,
    };
    const info: ControlPlaneInfo = {
      runId: run.id,
      dir,
      server,
      kubeconfig,
      restrictedKubeconfig,
      restrictedUser: pki.restricted.user,
      restrictedGroup: pki.restricted.groups[0] ?? '',
      etcdEndpoint,
      kubectlBin: binaries.kubectl.path,
      kubectlCacheDir: join(dir, 'kubectl-cache'),
      caCert: pki.ca.cert,
      adminCert: pki.admin.cert,
      adminKey: pki.admin.key,
      restrictedCert: pki.restricted.cert,
      restrictedKey: pki.restricted.key,
      k8sVersion: binaries.k8sVersion,
      etcdVersion: binaries.etcdVersion,
      crds: [],
      timings,
    };

    const apiAbort = (): string | undefined =>
      apiserver.isRunning() ? undefined : `kube-apiserver exited:\n${apiserver.logTail()}`;
    await waitFor(
      'kube-apiserver /readyz',
      async () => {
        const res = await apiRequest(info, 'GET', '/readyz', { timeoutMs: 5000 });
        return res.status === 200 ? true : undefined;
      },
      { timeoutMs: opts.readyTimeoutMs ?? 120_000, intervalMs: 250, abort: apiAbort },
    );
    // The system namespaces are created by a controller just after readiness; tests use "default".
    await waitFor(
      'namespace default',
      async () => {
        const res = await apiRequest(info, 'GET', '/api/v1/namespaces/default', {
          timeoutMs: 5000,
        });
        return res.status === 200 ? true : undefined;
      },
      { timeoutMs: 30_000, abort: apiAbort },
    );
    timings.apiserverSeconds = since(t);

    t = performance.now();
    if (opts.crdsDir !== null) {
      const files = crdFiles(opts.crdsDir ?? DEFAULT_CRDS_DIR);
      info.crds = await installCrds(info, files);
    }
    timings.crdsSeconds = since(t);
    timings.totalSeconds = since(t0);
    log(
      `[control-plane] up at ${server} (k8s ${binaries.k8sVersion}, etcd ${binaries.etcdVersion}) in ${timings.totalSeconds.toFixed(1)} s: ` +
        `binaries ${timings.binariesSeconds.toFixed(1)} s (${timings.binariesSource}), pki ${pkiSeconds.toFixed(1)} s, ` +
        `etcd ${etcdSeconds.toFixed(1)} s, apiserver ${timings.apiserverSeconds.toFixed(1)} s, ` +
        `${info.crds.length} CRDs ${timings.crdsSeconds.toFixed(1)} s`,
    );
    return {
      ...info,
      etcd,
      apiserver,
      info: () => ({ ...info, crds: [...info.crds], timings: { ...timings } }),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
