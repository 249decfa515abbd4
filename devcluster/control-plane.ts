// A real control plane for tests and `plexus dev`: etcd and kube-apiserver on
// 127.0.0.1 with free ports, certificates from pki.ts, RBAC on, kubeconfigs
// written, CRDs from crds/ installed and Established. Each step is its own
// module; this one puts them in order and times them.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeApiserver } from './apiserver.ts';
import type { KubeApiserver } from './apiserver.ts';
import { resolveBinaries } from './binaries.ts';
import type { Binaries } from './binaries.ts';
import { crdFiles, DEFAULT_CRDS_DIR, installCrds } from './crds.ts';
import { startEtcd } from './etcd.ts';
import type { Etcd } from './etcd.ts';
import type { ControlPlaneInfo, StartTimings } from './kube.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { createPki } from './pki.ts';
import type { Pki } from './pki.ts';
import type { Run } from './run.ts';

export interface ControlPlane extends ControlPlaneInfo {
  /** etcd; stop()/start()/kill()/restart() keep its data dir and port. */
  etcd: Etcd;
  /** kube-apiserver; stop()/start()/kill()/restart() keep its port and certificates. */
  apiserver: KubeApiserver;
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
  /** Serve etcd over TLS (client certificates required); kube-apiserver uses the admin certificate. */
  etcdTls?: boolean;
  readyTimeoutMs?: number;
}

/** Seconds since the previous lap (or since creation). */
function stopwatch(): { lap(): number; total(): number } {
  const t0 = performance.now();
  let last = t0;
  return {
    lap() {
      const now = performance.now();
      const s = (now - last) / 1000;
      last = now;
      return s;
    },
    total: () => (performance.now() - t0) / 1000,
  };
}

interface Kubeconfigs {
  kubeconfig: string;
  restrictedKubeconfig: string;
}

/** The admin and restricted kubeconfigs of a control plane, in its dir. */
function writeKubeconfigs(dir: string, server: string, pki: Pki): Kubeconfigs {
  const paths = {
    kubeconfig: join(dir, 'admin.kubeconfig'),
    restrictedKubeconfig: join(dir, 'restricted.kubeconfig'),
  };
  for (const [path, id] of [
    [paths.kubeconfig, pki.admin],
    [paths.restrictedKubeconfig, pki.restricted],
  ] as const) {
    writeKubeconfig(path, server, {
      caCert: pki.ca.cert,
      user: id.user,
      cert: id.cert,
      key: id.key,
    });
  }
  return paths;
}

interface Started {
  run: Run;
  dir: string;
  binaries: Binaries;
  pki: Pki;
  server: string;
  etcdEndpoint: string;
}

/** The plain-data description of a started control plane (kubeconfigs written on the way). */
function controlPlaneInfo(s: Started, timings: StartTimings): ControlPlaneInfo {
  const { pki, binaries } = s;
  return {
    runId: s.run.id,
    dir: s.dir,
    server: s.server,
    ...writeKubeconfigs(s.dir, s.server, pki),
    restrictedUser: pki.restricted.user,
    restrictedGroup: pki.restricted.groups[0] ?? '',
    etcdEndpoint: s.etcdEndpoint,
    kubectlBin: binaries.kubectl.path,
    kubectlCacheDir: join(s.dir, 'kubectl-cache'),
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
}

function summaryLine(info: ControlPlaneInfo): string {
  const t = info.timings;
  const s = (n: number): string => `${n.toFixed(1)} s`;
  return (
    `[control-plane] up at ${info.server} (k8s ${info.k8sVersion}, etcd ${info.etcdVersion}) in ${s(t.totalSeconds)}: ` +
    `binaries ${s(t.binariesSeconds)} (${t.binariesSource}), pki ${s(t.pkiSeconds)}, ` +
    `etcd ${s(t.etcdSeconds)}, apiserver ${s(t.apiserverSeconds)}, ${info.crds.length} CRDs ${s(t.crdsSeconds)}`
  );
}

function emptyTimings(binaries: Binaries, binariesSeconds: number): StartTimings {
  const sources = [binaries.kubeApiserver, binaries.kubectl, binaries.etcd].map((b) => b.source);
  return {
    binariesSeconds,
    binariesSource: [...new Set(sources)].join('+'),
    pkiSeconds: 0,
    etcdSeconds: 0,
    apiserverSeconds: 0,
    crdsSeconds: 0,
    totalSeconds: 0,
  };
}

/** Starts etcd, then kube-apiserver on it, then installs the CRDs; stops what started when a step fails. */
export async function startControlPlane(opts: StartOptions): Promise<ControlPlane> {
  const { run } = opts;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = stopwatch();
  const binaries = opts.binaries ?? (await resolveBinaries({ progress: log }));
  const timings = emptyTimings(binaries, opts.binaries?.seconds ?? clock.lap());
  clock.lap();
  const dir = join(run.dir, `cp-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  const pki = await createPki(join(dir, 'pki'));
  timings.pkiSeconds = clock.lap();

  let etcd: Etcd | undefined;
  let apiserver: KubeApiserver | undefined;
  const stop = async (): Promise<void> => {
    // API server first, so it does not log etcd errors on the way down.
    await apiserver?.stop();
    await etcd?.stop();
  };
  try {
    const tls = opts.etcdTls ? pki : undefined;
    etcd = await startEtcd({ run, binary: binaries.etcd.path, dir: join(dir, 'etcd'), tls });
    timings.etcdSeconds = clock.lap();
    apiserver = await startKubeApiserver({
      run,
      binary: binaries.kubeApiserver.path,
      dir: join(dir, 'kube-apiserver'),
      pki,
      etcd: { endpoint: etcd.endpoint, tls: opts.etcdTls },
      extraArgs: opts.apiserverArgs,
      readyTimeoutMs: opts.readyTimeoutMs,
    });
    timings.apiserverSeconds = clock.lap();
    const server = apiserver.server;
    const started = { run, dir, binaries, pki, server, etcdEndpoint: etcd.endpoint };
    const info = controlPlaneInfo(started, timings);
    if (opts.crdsDir !== null)
      info.crds = await installCrds(info, crdFiles(opts.crdsDir ?? DEFAULT_CRDS_DIR));
    timings.crdsSeconds = clock.lap();
    timings.totalSeconds = clock.total();
    log(summaryLine(info));
    const copy = (): ControlPlaneInfo => ({
      ...info,
      crds: [...info.crds],
      timings: { ...timings },
    });
    return { ...info, etcd, apiserver, info: copy, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
