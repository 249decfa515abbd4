// What `plexus dev` shows of the node side and of admission once its networks are Ready: pods
// with several interfaces, started on the simulated nodes as a kubelet starts them (a Pod bound
// to the node, a sandbox namespace, a CNI ADD through libcni and the node's 00-plexus.conflist),
// and the checks behind them: every node agent ready, each pod's network-status listing the
// interfaces it asked for, two pods reaching each other over the macvlan underlay, and the
// webhooks rejecting a bad annotation at apply time with a message that names the field.
import { podNetworkSummary, startDevPod } from './dev-pods.ts';
import type { DevNode, DevPod, DevPodSpec } from './dev-pods.ts';
import { kubectl } from './kube.ts';
import type { ControlPlaneInfo } from './kube.ts';
import { addresses, createNetns, deleteNetns, ipBatch, ping } from './netns.ts';
import { waitFor } from './proc.ts';
import type { Run } from './run.ts';
import type { DevCheck } from './dev-summary.ts';

const STATUS = 'k8s.v1.cni.cncf.io/network-status';

export interface DemoPodSpec extends DevPodSpec {
  /** 1-based index of the simulated node it runs on. */
  node: number;
  /** The interfaces its network-status must list besides eth0. */
  expect: string[];
  /** Runs only where the kernel has 802.1Q (vlan) support. */
  needsVlan?: boolean;
}

/**
 * The demo pods, on the NADs of examples/underlay-nads.yaml. Their host-local IPAM keeps its
 * leases in /var/lib/cni/networks, which the dev cluster makes one dir of the run for every
 * simulated node, so addresses are unique across nodes here (on a real cluster host-local is per
 * node: a cluster-wide IPAM such as whereabouts keeps a macvlan network's addresses unique).
 */
export const DEMO_PODS: readonly DemoPodSpec[] = [
  {
    name: 'demo-a',
    node: 1,
    networks: 'default/macvlan-conf@data0, macvlan-svc',
    expect: ['data0', 'net2'],
  },
  { name: 'demo-b', node: 1, networks: 'macvlan-conf@data0', expect: ['data0'] },
  {
    name: 'demo-c',
    node: 2,
    networks: '[{"name": "macvlan-svc", "interface": "svc0"}]',
    expect: ['svc0'],
  },
  {
    name: 'demo-d',
    node: 2,
    networks: '[{"name": "storage-vlan", "interface": "stor0"}]',
    expect: ['stor0'],
    needsVlan: true,
  },
];

/** Whether this kernel can make 802.1Q links (containers often lack the 8021q module). */
async function kernelHasVlan(run: Run): Promise<boolean> {
  const ns = `${run.nsPrefix}vlan-probe`;
  await createNetns(ns);
  try {
    await ipBatch(ns, [
      'link add probe0 type dummy',
      'link add link probe0 name probe0.2 type vlan id 2',
    ]);
    return true;
  } catch {
    return false;
  } finally {
    await deleteNetns(ns);
  }
}

/** Starts the demo pods that fit the cluster's nodes (DEL on close, before the agents stop). A
 * pod that fails to start is reported, not fatal: the summary's checks name it. */
export async function startDemoPods(
  run: Run,
  nodes: readonly DevNode[],
  cp: ControlPlaneInfo,
  say: (line: string) => void,
): Promise<{ pods: DevPod[]; failures: string[] }> {
  const pods: DevPod[] = [];
  const failures: string[] = [];
  const vlan = await kernelHasVlan(run);
  for (const spec of DEMO_PODS) {
    const node = nodes[spec.node - 1];
    if (node === undefined) continue;
    if (spec.needsVlan === true && !vlan) {
      say(`      default/${spec.name} not started: this kernel has no 802.1Q (vlan) support`);
      continue;
    }
    try {
      const pod = await startDevPod(run, node, cp, spec);
      run.onClose(`pod ${pod.namespace}/${pod.name}`, () => pod.remove());
      pods.push(pod);
      say(`      ${pod.namespace}/${pod.name} on ${pod.node}: networks ${spec.networks ?? 'none'}`);
    } catch (e) {
      const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
      failures.push(`${spec.name}: ${why}`);
      say(`      default/${spec.name} FAILED to start: ${why}`);
    }
  }
  return { pods, failures };
}

export interface DemoReport {
  /** One line per pod with a network-status (podNetworkSummary). */
  pods: string[];
  checks: DevCheck[];
}

/** The node-side and admission checks; `pods` are the demo pods that were started. */
export async function demoReport(
  cp: ControlPlaneInfo,
  nodes: readonly DevNode[],
  started: { pods: readonly DevPod[]; failures: readonly string[] },
): Promise<DemoReport> {
  const { pods } = started;
  const checks = [
    await agentsCheck(nodes),
    {
      name: 'every demo pod started (CNI ADD through libcni, the shim and the agent)',
      ok: pods.length > 0 && started.failures.length === 0,
      detail: started.failures.length === 0 ? `${pods.length} pods` : started.failures.join('; '),
    },
    await statusCheck(cp, pods),
    await underlayCheck(pods),
    await admissionCheck(cp),
  ];
  return { pods: await podNetworkSummary(cp), checks };
}

async function agentsCheck(nodes: readonly DevNode[]): Promise<DevCheck> {
  const notReady: string[] = [];
  for (const n of nodes) {
    const r = await n.agent.get('/readyz').catch(() => ({ status: 0 }));
    if (r.status !== 200) notReady.push(`${n.host.name} (/readyz ${r.status || 'unreachable'})`);
  }
  return {
    name: 'a node agent is ready on every node',
    ok: nodes.length > 0 && notReady.length === 0,
    detail: notReady.length === 0 ? `${nodes.length} ready` : `not ready: ${notReady.join(', ')}`,
  };
}

interface StatusEntry {
  interface?: string;
  ips?: string[];
}

async function networkStatus(cp: ControlPlaneInfo, pod: DevPod): Promise<StatusEntry[]> {
  const r = await kubectl(cp, [
    'get',
    'pod',
    pod.name,
    '-n',
    pod.namespace,
    '-o',
    `jsonpath={.metadata.annotations.${STATUS.replaceAll('.', '\\.')}}`,
  ]);
  return r.stdout.trim() === '' ? [] : (JSON.parse(r.stdout) as StatusEntry[]);
}

/** Each demo pod's network-status lists eth0 and the interfaces it asked for, each addressed.
 * The agent writes it in the background after ADD, so this waits a little for it. */
async function statusCheck(cp: ControlPlaneInfo, pods: readonly DevPod[]): Promise<DevCheck> {
  const problems: string[] = [];
  for (const pod of pods) {
    const spec = DEMO_PODS.find((d) => d.name === pod.name);
    const want = ['eth0', ...(spec?.expect ?? [])];
    const missing = await waitFor(
      `${pod.name}'s network-status`,
      async () => {
        const got = await networkStatus(cp, pod).catch(() => []);
        const lacking = want.filter(
          (i) => !got.some((e) => e.interface === i && (e.ips ?? []).length > 0),
        );
        return lacking.length === 0 ? [] : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    ).catch(() => want);
    if (missing.length > 0) problems.push(`${pod.name} lacks ${missing.join(', ')}`);
  }
  return {
    name: 'each demo pod has the interfaces it asked for (network-status)',
    ok: pods.length > 0 && problems.length === 0,
    detail: problems.length === 0 ? `${pods.length} pods` : problems.join('; '),
  };
}

/** Pods reach each other over the macvlan underlay (bridge mode on the nodes' eth1): demo-a to
 * demo-b on the same node, and demo-a to demo-c on another node, across the data bridge. */
async function underlayCheck(pods: readonly DevPod[]): Promise<DevCheck> {
  const name = 'pods reach each other over the macvlan underlay';
  const pod = (n: string): DevPod | undefined => pods.find((p) => p.name === n);
  const a = pod('demo-a');
  if (a === undefined) return { name, ok: false, detail: 'demo-a did not start' };
  const results: string[] = [];
  let ok = true;
  for (const [to, ifname] of [
    ['demo-b', 'data0'],
    ['demo-c', 'svc0'],
  ] as const) {
    const b = pod(to);
    if (b === undefined) continue;
    const target = await ipv4Of(b, ifname);
    const reached = target !== undefined && (await ping(a.netns.ns, target, { count: 2 }));
    ok &&= reached;
    results.push(
      `demo-a → ${to} (${b.node}) ${ifname} ${target ?? 'no address'}: ${reached ? 'ok' : 'FAILED'}`,
    );
  }
  if (results.length === 0) ok = false;
  return { name, ok, detail: results.join('; ') || 'needs demo-b or demo-c' };
}

async function ipv4Of(pod: DevPod, ifname: string): Promise<string | undefined> {
  const list = await addresses(pod.netns.ns, ifname).catch(() => []);
  return list.find((a) => a.family === 'inet')?.local;
}

/** A pod whose annotation names a missing NAD and has an illegal interface name is refused by
 * the webhooks (server-side dry run: nothing is stored), and the message names the field. */
async function admissionCheck(cp: ControlPlaneInfo): Promise<DevCheck> {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'demo-rejected',
      namespace: 'default',
      annotations: { 'k8s.v1.cni.cncf.io/networks': 'macvlan-conf@eth0/bad' },
    },
    spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] },
  };
  const r = await kubectl(cp, ['create', '--dry-run=server', '-f', '-'], {
    input: JSON.stringify(pod),
    allowFail: true,
  });
  const message = r.stderr.trim().split('\n')[0] ?? '';
  const ok = r.code !== 0 && message.includes('k8s.v1.cni.cncf.io/networks');
  return {
    name: 'the webhooks reject a bad network annotation at apply time',
    ok,
    detail: ok ? message : `kubectl exited ${r.code}: ${message || r.stdout.trim()}`,
  };
}
