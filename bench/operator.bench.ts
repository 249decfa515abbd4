// The operator at scale (issue 7): 1,000 Node objects × 20 OverlayNetworks, against a
// real kube-apiserver and etcd, converging from a cold start (the operator process starts
// with every object in place and nothing written yet) to 20,000 leases, 1,000
// NodeNetworkConfigs with 20 overlays each, and every network Ready. Targets: ≤ 15 s and
// operator peak RSS ≤ 200 MB (the operator runs as its own process, so the RSS is its
// own; it runs with the V8 heap limits of its Deployment). Then the same with 2,000 nodes,
// reported, to show how time grows. Reports the requests the operator sent to the API server
// and etcd, and the machine's load.
// Needs root and `npm run setup` like the e2e tests. PLEXUS_BENCH_OPERATOR_NODES=1000,2000
// picks the sizes.
import { loadavg } from 'node:os';
import { startControlPlane } from '../devcluster/control-plane.ts';
import { startEtcd } from '../devcluster/etcd.ts';
import { createNodeObjects, simulatedIp } from '../devcluster/node-objects.ts';
import { peakRss, startOperatorProcess } from '../devcluster/operator-process.ts';
import { missingPrereqs } from '../devcluster/prereqs.ts';
import { createRun } from '../devcluster/run.ts';
import type { Run } from '../devcluster/run.ts';
import { createEtcdClient } from '../lib/etcd/index.ts';
import {
  Informer,
  KubeClient,
  NODE_NETWORK_CONFIGS,
  OVERLAY_NETWORKS,
  loadKubeConfig,
} from '../lib/kube/index.ts';
import type { NodeNetworkConfig, OverlayNetwork } from '../lib/kube/index.ts';

const NETWORKS = 20;
const TARGET_SECONDS = 15;
const TARGET_RSS_MB = 200;
const TARGET_NODES = 1000;
const TIMEOUT_MS = 180_000;

interface Measurement {
  nodes: number;
  seconds: number;
  rssMb: number;
  kube: Record<string, number>;
  etcd: Record<string, number>;
  load: [number, number];
  marks: string[];
}

/** Counter values by one label from Prometheus text. */
function counters(text: string, metric: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  const re = new RegExp(`^${metric}\\{[^}]*${label}="([^"]+)"[^}]*\\} (\\d+)`, 'gm');
  for (const m of text.matchAll(re)) out[m[1] as string] = Number(m[2]);
  return out;
}

/** 20 /13 networks side by side in 10.0.0.0/8 (2,047 subnets each), VNIs 100…119. */
function networkObjects(): OverlayNetwork[] {
  return Array.from({ length: NETWORKS }, (_, i) => ({
    metadata: { name: `bench-${i}` },
    spec: {
      network: `10.${i * 8}.0.0/13`,
      subnetLen: 24,
      backend: { vni: 100 + i },
      attachment: { namespaces: ['default'] },
    },
  }));
}

function converged(
  nodes: number,
  configs: Informer<NodeNetworkConfig>,
  networks: Informer<OverlayNetwork>,
): boolean {
  if (configs.store.size < nodes || networks.store.size < NETWORKS) return false;
  for (const c of configs.store.list())
    if ((c.spec.overlays?.length ?? 0) !== NETWORKS) return false;
  return networks.store
    .list()
    .every(
      (o) =>
        o.status?.subnets?.allocated === nodes &&
        o.status.observedGeneration === o.metadata?.generation &&
        o.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true,
    );
}

/** A cluster with `nodes` Node objects and the networks, nothing written for them yet, and
 * the observers that tell when the operator is done. */
async function setUp(run: Run, nodes: number) {
  const cp = await startControlPlane({ run, log: () => {} });
  const etcdServer = await startEtcd({ run });
  const client = new KubeClient(loadKubeConfig({ kubeconfig: cp.kubeconfig }), { maxSockets: 32 });
  const specs = Array.from({ length: nodes }, (_, i) => ({
    name: `bench-node-${i}`,
    ip: simulatedIp(i),
  }));
  await createNodeObjects(client, specs, 32);
  await Promise.all(networkObjects().map((o) => client.create(OVERLAY_NETWORKS, o)));
  const configs = new Informer<NodeNetworkConfig>({ client, type: NODE_NETWORK_CONFIGS }).start();
  const networks = new Informer<OverlayNetwork>({ client, type: OVERLAY_NETWORKS }).start();
  await Promise.all([configs.waitForSync(), networks.waitForSync()]);
  const etcd = createEtcdClient({ endpoints: [etcdServer.endpoint] });
  const close = async (): Promise<void> => {
    await Promise.all([configs.stop(), networks.stop()]);
    etcd.close();
    client.close();
  };
  return { cp, etcdServer, configs, networks, etcd, close };
}

type Setup = Awaited<ReturnType<typeof setUp>>;

/** Polls until converged; returns when the first NodeNetworkConfig appeared and when half and
 * all had every overlay. */
async function untilConverged(s: Setup, nodes: number, t0: number): Promise<string[]> {
  // config + lease + owner record per node and network.
  const keys = NETWORKS + 2 * NETWORKS * nodes;
  const marks: string[] = [];
  const mark = (what: string): void => {
    if (!marks.some((m) => m.startsWith(what)))
      marks.push(`${what} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  for (;;) {
    const full = s.configs.store
      .list()
      .filter((c) => (c.spec.overlays?.length ?? 0) === NETWORKS).length;
    if (s.configs.store.size > 0) mark('first config');
    if (full >= nodes / 2) mark('half complete');
    if (full >= nodes) mark('all complete');
    if (
      converged(nodes, s.configs, s.networks) &&
      (await s.etcd.countPrefix('/plexus.dev/networks/')) === keys
    )
      return marks;
    if (performance.now() - t0 > TIMEOUT_MS)
      throw new Error(`not converged after ${TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function measureNodes(nodes: number): Promise<Measurement> {
  const run = createRun();
  try {
    const s = await setUp(run, nodes);
    const load0 = loadavg()[0] ?? 0;
    const t0 = performance.now();
    const op = await startOperatorProcess({
      run,
      name: 'operator-bench',
      kubeconfig: s.cp.kubeconfig,
      etcdEndpoints: [s.etcdServer.endpoint],
      leaderElectionNamespace: 'kube-system',
      readyTimeoutMs: TIMEOUT_MS,
    });
    const marks = await untilConverged(s, nodes, t0);
    const seconds = (performance.now() - t0) / 1000;
    const load1 = loadavg()[0] ?? 0;
    const rssMb = (peakRss(op.pid) ?? 0) / 1024 / 1024;
    const text = await op.metrics();
    await op.stop();
    await s.close();
    return {
      nodes,
      seconds,
      rssMb,
      kube: counters(text, 'plexus_operator_kube_requests_total', 'verb'),
      etcd: counters(text, 'plexus_operator_etcd_requests_total', 'op'),
      load: [load0, load1],
      marks,
    };
  } finally {
    await run.close();
  }
}

function report(m: Measurement): string[] {
  const targeted = m.nodes === TARGET_NODES;
  const verdict = (ok: boolean): string => (targeted ? (ok ? ' (met)' : ' (MISSED)') : '');
  const fmt = (r: Record<string, number>): string =>
    Object.entries(r)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return [
    `${m.nodes} nodes × ${NETWORKS} networks: converged in ${m.seconds.toFixed(1)} s${targeted ? ` (target ≤ ${TARGET_SECONDS} s)` : ''}${verdict(m.seconds <= TARGET_SECONDS)}; ` +
      `operator peak RSS ${m.rssMb.toFixed(0)} MB${targeted ? ` (target ≤ ${TARGET_RSS_MB} MB)` : ''}${verdict(m.rssMb <= TARGET_RSS_MB)}`,
    `  ${m.nodes * NETWORKS} leases, ${m.nodes} NodeNetworkConfigs, ${NETWORKS} networks Ready; NodeNetworkConfigs: ${m.marks.join(', ')}`,
    `  API requests: ${fmt(m.kube)}`,
    `  etcd requests: ${fmt(m.etcd)}`,
    `  load average (1 min) ${m.load[0].toFixed(2)} before, ${m.load[1].toFixed(2)} after, on 2 shared cores`,
  ];
}

/** N nodes × NETWORKS OverlayNetworks, cold start to converged; false when a target is missed. */
export async function measure(): Promise<boolean> {
  const r = await run();
  for (const line of r.lines) console.log(line);
  return r.ok;
}

async function run(): Promise<{ ok: boolean; lines: string[] }> {
  const missing = missingPrereqs();
  if (missing.length > 0)
    return {
      ok: false,
      lines: [`cannot run: missing ${missing.join('; ')} (run as root after npm run setup)`],
    };
  const sizes = (process.env.PLEXUS_BENCH_OPERATOR_NODES ?? `${TARGET_NODES},2000`)
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  const lines: string[] = [];
  let ok = true;
  for (const nodes of sizes) {
    try {
      const m = await measureNodes(nodes);
      lines.push(...report(m));
      if (nodes === TARGET_NODES && (m.seconds > TARGET_SECONDS || m.rssMb > TARGET_RSS_MB))
        ok = false;
    } catch (e) {
      ok = false;
      lines.push(`${nodes} nodes: FAILED: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { ok, lines };
}
