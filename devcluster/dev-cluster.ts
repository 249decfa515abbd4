// The cluster `plexus dev` brings up, step by step with a progress line each:
// etcd and kube-apiserver, N simulated nodes (network namespaces on one L2
// fabric, each a registered Node with an underlay NIC), the operator and the
// admission webhooks as processes of their own, a node agent on every node,
// and the networks of examples/ applied; once they are Ready, the workloads of
// examples/ (through the webhooks) and demo pods with several interfaces. DIR
// holds the admin kubeconfig (for kubectl from another terminal) and a link to
// the run's files; close() removes all of it: pods, processes, namespaces, files.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { startControlPlane } from './control-plane.ts';
import type { ControlPlane } from './control-plane.ts';
import { createFabric, createHost } from './hosts.ts';
import type { Host } from './hosts.ts';
import { SERVICE_CIDR } from './apiserver.ts';
import { startDemoPods } from './dev-demo.ts';
import { startNodeAgents } from './dev-pods.ts';
import type { DevNode, DevPod } from './dev-pods.ts';
import { kubectl } from './kube.ts';
import { startOperatorProcess } from './operator-process.ts';
import type { OperatorProcess } from './operator-process.ts';
import { missingPrereqs } from './prereqs.ts';
import { isAlive, processStartTime } from './proc.ts';
import { createRun } from './run.ts';
import type { Run } from './run.ts';
import { startDevWebhooks } from './webhooks.ts';
import type { DevWebhooks } from './webhooks.ts';

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
  webhooks: DevWebhooks;
  /** A node agent and a libcni runtime per host. */
  nodes: DevNode[];
  /** The demo pods, once startWorkloads() ran. */
  pods: DevPod[];
  /** The demo pods that failed to start, each with its error. */
  podFailures: string[];
  /** The example documents startWorkloads() applies (Pods and pod controllers). */
  workloads: readonly object[];
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

interface DirOwner {
  pid: number;
  start: string | undefined;
}

/** DIR's files: the admin kubeconfig, the owner (to refuse a second `plexus dev`), and a
 * link to the run dir (certificates, etcd data, logs). */
function dirFiles(dir: string): { kubeconfig: string; owner: string; link: string } {
  return {
    kubeconfig: join(dir, 'kubeconfig'),
    owner: join(dir, 'owner.json'),
    link: join(dir, 'run'),
  };
}

/**
 * Takes DIR for this process, or says who has it. The run itself lives in the shared runs root
 * (a run elsewhere is not known to the reapers of the other tools running on the machine, which
 * would take its network namespaces for orphans); DIR/run links to it. Files a killed
 * `plexus dev` left in DIR are replaced.
 */
function claimDir(dir: string): Run {
  mkdirSync(dir, { recursive: true });
  const files = dirFiles(dir);
  try {
    const other = JSON.parse(readFileSync(files.owner, 'utf8')) as DirOwner;
    if (
      other.pid !== process.pid &&
      isAlive(other.pid) &&
      processStartTime(other.pid) === other.start
    )
      throw new Error(
        `another plexus dev (pid ${other.pid}) is running with --dir ${dir}; stop it (Ctrl-C) or pass another --dir`,
      );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && !(e instanceof SyntaxError)) throw e;
  }
  const owner: DirOwner = { pid: process.pid, start: processStartTime(process.pid) };
  writeFileSync(files.owner, JSON.stringify(owner));
  const run = createRun();
  rmSync(files.link, { force: true });
  symlinkSync(run.dir, files.link);
  return run;
}

/** Removes DIR's files (and DIR when nothing else is in it). Synchronous: it also runs at exit. */
function releaseDir(dir: string): void {
  const files = dirFiles(dir);
  for (const f of Object.values(files)) rmSync(f, { force: true });
  try {
    if (existsSync(dir) && readdirSync(dir).length === 0)
      rmSync(dir, { recursive: true, force: true });
  } catch {
    // someone else's file: leave it
  }
}

export async function startDevCluster(opts: DevClusterOptions): Promise<DevCluster> {
  const say = opts.progress;
  const missing = missingPrereqs();
  if (missing.length > 0)
    throw new Error(
      `plexus dev cannot run here; missing: ${missing.join('; ')}. Run it as root after npm ci && npm run setup`,
    );
  const run = claimDir(opts.dir);
  const { kubeconfig } = dirFiles(opts.dir);
  const release = (): void => releaseDir(opts.dir);
  run.onClose('DIR files', release);
  process.once('exit', release);
  try {
    say('[1/6] starting etcd and kube-apiserver (built from the Go modules once, then cached)');
    const cp = await startControlPlane({ run, log: (l) => say(`      ${l}`) });
    writeFileSync(kubeconfig, readFileSync(cp.kubeconfig), { mode: 0o600 });
    const count = opts.nodes ?? 3;
    say(
      `[2/6] creating ${count} simulated nodes (network namespaces on one L2 fabric, each a Node)`,
    );
    const hosts = await createNodes(run, cp, count, say);
    say('[3/6] starting the operator');
    const operator = await startOperatorProcess({
      run,
      name: 'operator',
      kubeconfig: cp.kubeconfig,
      etcdEndpoints: [cp.etcdEndpoint],
      leaderElectionNamespace: 'kube-system',
    });
    say(`      ready at ${operator.url} (log ${join(opts.dir, 'run', 'operator.log')})`);
    say('[4/6] starting the admission webhooks and node agents');
    const [webhooks, nodes] = await Promise.all([
      startDevWebhooks({
        run,
        controlPlane: cp.info(),
        name: 'plexus-webhooks',
        args: [`--cluster-cidr=${CLUSTER_CIDR}`, `--service-cidr=${SERVICE_CIDR}`],
      }),
      // One /var/lib/cni for every simulated node, in the run: host-local IPAM without a dataDir
      // (the example NADs) keeps its leases there, unique across the nodes, gone with the run.
      startNodeAgents(run, hosts, cp.info(), { varLibCni: join(run.dir, 'var-lib-cni') }),
    ]);
    say(`      webhooks at ${webhooks.url}, registered as ${webhooks.configurationName}`);
    for (const n of nodes) say(`      ${n.host.name}: agent ready, metrics ${n.agent.healthUrl}`);
    const examples = opts.examplesDir ?? EXAMPLES_DIR;
    say(`[5/6] applying the networks of ${examples}`);
    const docs = exampleDocuments(examples);
    await createExampleNamespaces(cp, docs, say);
    await applyDocuments(
      cp,
      docs.filter((d) => !isWorkload(d)),
      say,
    );
    return {
      run,
      controlPlane: cp,
      hosts,
      operator,
      webhooks,
      nodes,
      pods: [],
      podFailures: [],
      workloads: docs.filter(isWorkload),
      kubeconfig,
      operatorLog: join(opts.dir, 'run', 'operator.log'),
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
  // The first two join the green example network (its nodeSelector); all join blue. Each has
  // eth1 on the underlay data bridge: the master of the example macvlan and vlan NADs.
  for (let i = 1; i <= count; i++) {
    const labels: Record<string, string> = i <= 2 ? { [GREEN_LABEL]: 'true' } : {};
    const host = await createHost(run, fabric, {
      name: `node-${i}`,
      index: i,
      controlPlane: cp.info(),
      labels,
      dataLink: true,
      defaultRoute: true,
    });
    hosts.push(host);
    say(`      node-${i}: ${host.ip}${i <= 2 ? `, labelled ${GREEN_LABEL}=true` : ''}`);
  }
  return hosts;
}

/** The pod CIDR the simulated nodes' 10.244.<n>.0/24 come from. */
const CLUSTER_CIDR = '10.244.0.0/16';

const WORKLOAD_KINDS = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
]);

interface ExampleDoc {
  kind?: string;
  spec?: { attachment?: { namespaces?: unknown } };
}

const isWorkload = (d: ExampleDoc): boolean => WORKLOAD_KINDS.has(d.kind ?? '');

/** The documents of DIR's .yaml/.yml/.json files, in file order. */
function exampleDocuments(dir: string): ExampleDoc[] {
  const docs: ExampleDoc[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0)
        throw new Error(`${join(dir, file)}: ${doc.errors[0]?.message ?? 'bad YAML'}`);
      const obj = doc.toJSON() as ExampleDoc | null;
      if (obj !== null && typeof obj === 'object') docs.push(obj);
    }
  }
  return docs;
}

async function applyDocuments(
  cp: ControlPlane,
  docs: readonly object[],
  say: (l: string) => void,
): Promise<void> {
  if (docs.length === 0) return;
  const applied = await kubectl(cp, ['apply', '-f', '-'], {
    input: docs.map((d) => JSON.stringify(d)).join('\n---\n'),
  });
  for (const line of applied.stdout.trim().split('\n')) say(`      ${line}`);
}

/**
 * The workloads of examples/, applied once the networks they name exist (the webhooks would
 * rightly refuse a pod whose NAD the operator has not generated yet), then the demo pods. The
 * dev cluster has no scheduler or kubelet: the example workloads are admitted and stored, and
 * the demo pods are the ones this process binds to nodes and starts as a kubelet would.
 */
export async function startWorkloads(dc: DevCluster, say: (l: string) => void): Promise<void> {
  await applyDocuments(dc.controlPlane, dc.workloads, say);
  const started = await startDemoPods(dc.run, dc.nodes, dc.controlPlane.info(), say);
  dc.pods = started.pods;
  dc.podFailures = started.failures;
}

/** The namespaces example OverlayNetworks attach to, created when missing (a fresh cluster has only default). */
async function createExampleNamespaces(
  cp: ControlPlane,
  docs: readonly ExampleDoc[],
  say: (l: string) => void,
): Promise<void> {
  const wanted = new Set<string>();
  for (const obj of docs) {
    const list = obj.kind === 'OverlayNetwork' ? obj.spec?.attachment?.namespaces : undefined;
    if (Array.isArray(list)) for (const ns of list) if (typeof ns === 'string') wanted.add(ns);
  }
  for (const ns of wanted) {
    const r = await kubectl(cp, ['create', 'namespace', ns], { allowFail: true });
    if (r.code === 0) say(`      namespace ${ns} created (the examples attach to it)`);
  }
}

async function closeAll(run: Run, dir: string): Promise<void> {
  await run.close();
  releaseDir(dir);
}
