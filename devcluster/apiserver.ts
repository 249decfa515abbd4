// A real kube-apiserver on 127.0.0.1 in front of a dev cluster's etcd: RBAC on,
// client certificates from pki.ts, ready once /readyz answers and the
// "default" namespace exists. It can be stopped, killed and started again on
// the same port, as fault tests need.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Etcd } from './etcd.ts';
import { freePort } from './free-port.ts';
import { apiRequest } from './kube.ts';
import type { ApiClientInfo } from './kube.ts';
import type { Pki } from './pki.ts';
import { waitFor } from './proc.ts';
import type { Run } from './run.ts';
import { startService } from './service.ts';
import type { Service } from './service.ts';

export const SERVICE_CIDR = '10.96.0.0/16';

export interface ApiserverOptions {
  run: Run;
  binary: string;
  /** Holds its log (`kube-apiserver.log`) and generated certificates. */
  dir: string;
  pki: Pki;
  /** The etcd it stores into; under TLS it is reached with the PKI's admin certificate. */
  etcd: Pick<Etcd, 'endpoint'> & { tls?: boolean };
  /** Extra flags, appended last so they win. */
  extraArgs?: readonly string[];
  readyTimeoutMs?: number;
}

export interface KubeApiserver extends Service {
  /** https://127.0.0.1:<port>. The same across restarts. */
  readonly server: string;
  readonly port: number;
}

function apiserverArgs(opts: ApiserverOptions, port: number): string[] {
  const { pki, etcd } = opts;
  const etcdTls = etcd.tls
    ? [
        `--etcd-cafile=${pki.ca.cert}`,
        `--etcd-certfile=${pki.admin.cert}`,
        `--etcd-keyfile=${pki.admin.key}`,
      ]
    : [];
  return [
    `--etcd-servers=${etcd.endpoint}`,
    ...etcdTls,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${join(opts.dir, 'certs')}`,
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
    ...(opts.extraArgs ?? []),
  ];
}

/** The admin identity of a PKI talking to `server`, for raw requests before any kubeconfig exists. */
export function adminClient(server: string, pki: Pki): ApiClientInfo {
  return {
    server,
    caCert: pki.ca.cert,
    adminCert: pki.admin.cert,
    adminKey: pki.admin.key,
    restrictedCert: pki.restricted.cert,
    restrictedKey: pki.restricted.key,
  };
}

/** Waits for /readyz, then for the "default" namespace a controller creates just after (tests use it). */
async function waitReady(
  client: ApiClientInfo,
  timeoutMs: number,
  abort: () => string | undefined,
): Promise<void> {
  const ok = (path: string) => async (): Promise<true | undefined> =>
    (await apiRequest(client, 'GET', path, { timeoutMs: 5000 })).status === 200 ? true : undefined;
  await waitFor('kube-apiserver /readyz', ok('/readyz'), { timeoutMs, intervalMs: 250, abort });
  await waitFor('namespace default', ok('/api/v1/namespaces/default'), {
    timeoutMs: 30_000,
    abort,
  });
}

/** Starts kube-apiserver and waits until it is ready; stopped when the run closes. */
export async function startKubeApiserver(opts: ApiserverOptions): Promise<KubeApiserver> {
  mkdirSync(opts.dir, { recursive: true });
  const port = await freePort();
  const server = `https://127.0.0.1:${port}`;
  const client = adminClient(server, opts.pki);
  const service = await startService({
    name: 'kube-apiserver',
    cmd: opts.binary,
    args: apiserverArgs(opts, port),
    logFile: join(opts.dir, 'kube-apiserver.log'),
    ready: (abort) => waitReady(client, opts.readyTimeoutMs ?? 120_000, abort),
  });
  opts.run.onClose(`kube-apiserver in ${opts.dir}`, () => service.stop());
  return Object.assign(service, { server, port });
}
