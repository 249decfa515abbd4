// The cluster `plexus dev` brings up, step by step with a progress line each:
// etcd and kube-apiserver, N simulated nodes (network namespaces on one L2
// fabric, each a registered Node), the operator as a process of its own, and
// the manifests of examples/ applied. Everything lives in a run under DIR
// (DIR/kubeconfig is the admin kubeconfig, for kubectl from another terminal);
// close() removes all of it: processes, namespaces, files.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { startControlPlane } from './control-plane.ts';
import type { ControlPlane } from './control-plane.ts';
import { createFabric, createHost } from './hosts.ts';
import type { Host } from './hosts.ts';
import { kubectl } from './kube.ts';
import { startOperatorProcess } from './operator-process.ts';
import type { OperatorProcess } from './operator-process.ts';
import { missingPrereqs } from './prereqs.ts';
import { createRun } from './run.ts';
import type { Run } from './run.ts';

export const EXAMPLES_DIR = fileURLToPath(new URL('../examples/', import.meta.url));
/** The label the green example network selects nodes by. */
export const GREEN_LABEL = 'plexus.dev/overlay-green';

export interface DevClusterOptions {
  /** Holds the cluster's files; DIR/kubeconfig is the admin kubeconfig. */
  dir: string;
  /** Simulated nodes; default 3. */
  nodes?: number;
  examplesDir?: string;
  progress: (line: string) => void;
}

export interface DevCluster {
  run: Run;
  controlPlane: ControlPlane;
  hosts: Host[];
  operator: OperatorProcess;
  /** DIR/kubeconfig. */
  kubeconfig: string;
  operatorLog: string;
  close(): Promise<void>;
}

/** Where `plexus dev` keeps its files unless --dir says otherwise: `<cache>/plexus/dev`. */
export function defaultDevDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache =
    env.PLEXUS_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'plexus');
  return join(cache, 'dev');
}

/** Another `plexus dev` owns DIR while DIR/kubeconfig exists and its run dir is alive. */
function claimDir(dir: string): Run {
  mkdirSync(dir, { recursive: true });
  // Reaps runs of a `plexus dev` that died (SIGKILL): their processes, namespaces and files.
  const run = createRun({ root: join(dir, 'runs') });
  const others = readdirSync(join(dir, 'runs')).filter((d) => !d.startsWith('.') && d !== run.tag);
  if (others.length > 0) {
    void run.close();
    throw new Error(
      `another plexus dev is running with --dir ${dir}; stop it (Ctrl-C) or pass another --dir`,
    );
  }
  return run;
}

export async function startDevCluster(opts: DevClusterOptions): Promise<DevCluster> {
  const say = opts.progress;
  const missing = missingPrereqs();
  if (missing.length > 0)
    throw new Error(
      `plexus dev cannot run here; missing: ${missing.join('; ')}. Run it as root after npm ci && npm run setup`,
    );
  const run = claimDir(opts.dir);
  const kubeconfig = join(opts.dir, 'kubeconfig');
  const dropKubeconfig = (): void => rmSync(kubeconfig, { force: true });
  run.onClose('DIR/kubeconfig', dropKubeconfig);
  process.once('exit', dropKubeconfig);
  try {
    say('[1/5] starting etcd and kube-apiserver (built from the Go modules once, then cached)');
    const cp = await startControlPlane({ run, log: (l) => say(`      ${l}`) });
    writeFileSync(kubeconfig, readFileSync(cp.kubeconfig), { mode: 0o600 });
    const count = opts.nodes ?? 3;
    say(
      `[2/5] creating ${count} simulated nodes (network namespaces on one L2 fabric, each a Node)`,
    );
    const hosts = await createNodes(run, cp, count, say);
    say('[3/5] starting the operator');
    const operator = await startOperatorProcess({
      run,
      name: 'operator',
      kubeconfig: cp.kubeconfig,
      etcdEndpoints: [cp.etcdEndpoint],
      leaderElectionNamespace: 'kube-system',
    });
    say(`      ready at ${operator.url} (log ${operator.logFile})`);
    const examples = opts.examplesDir ?? EXAMPLES_DIR;
    say(`[4/5] applying ${examples}`);
    await createExampleNamespaces(cp, examples, say);
    const applied = await kubectl(cp, ['apply', '-f', examples]);
    for (const line of applied.stdout.trim().split('\n')) say(`      ${line}`);
    return {
      run,
      controlPlane: cp,
      hosts,
      operator,
      kubeconfig,
      operatorLog: operator.logFile,
      close: () => closeAll(run, opts.dir),
    };
  } catch (e) {
    await closeAll(run, opts.dir);
    throw e;
  }
}

async function createNodes(
  run: Run,
  cp: ControlPlane,
  count: number,
  say: (l: string) => void,
): Promise<Host[]> {
  const fabric = await createFabric(run);
  const hosts: Host[] = [];
  // The first two join the green example network (its nodeSelector); all join blue.
  for (let i = 1; i <= count; i++) {
    const labels: Record<string, string> = i <= 2 ? { [GREEN_LABEL]: 'true' } : {};
    const host = await createHost(run, fabric, {
      name: `node-${i}`,
      index: i,
      controlPlane: cp.info(),
      labels,
    });
    hosts.push(host);
    say(`      node-${i}: ${host.ip}${i <= 2 ? `, labelled ${GREEN_LABEL}=true` : ''}`);
  }
  return hosts;
}

/** The namespaces example OverlayNetworks attach to, created when missing (a fresh cluster has only default). */
async function createExampleNamespaces(
  cp: ControlPlane,
  dir: string,
  say: (l: string) => void,
): Promise<void> {
  const wanted = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const obj = doc.toJSON() as {
        kind?: string;
        spec?: { attachment?: { namespaces?: unknown } };
      } | null;
      const list = obj?.kind === 'OverlayNetwork' ? obj.spec?.attachment?.namespaces : undefined;
      if (Array.isArray(list)) for (const ns of list) if (typeof ns === 'string') wanted.add(ns);
    }
  }
  for (const ns of wanted) {
    const r = await kubectl(cp, ['create', 'namespace', ns], { allowFail: true });
    if (r.code === 0) say(`      namespace ${ns} created (the examples attach to it)`);
  }
}

async function closeAll(run: Run, dir: string): Promise<void> {
  await run.close();
  rmSync(join(dir, 'kubeconfig'), { force: true });
  // DIR/runs goes when empty; DIR itself stays only if something else is in it.
  for (const d of [join(dir, 'runs'), dir]) {
    try {
      if (existsSync(d) && readdirSync(d).length === 0) rmSync(d, { recursive: true, force: true });
    } catch {
      // someone else's file: leave it
    }
  }
}
