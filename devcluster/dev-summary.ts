// What `plexus dev` shows once its cluster is up, and the checks behind
// `--once`: the OverlayNetwork table as `kubectl get onet` prints it, each
// node's leases as etcd holds them, where the metrics and kubeconfig are, and
// a verdict per check (every network Ready; every selected node holding
// exactly its lease with the right PublicIP and VtepMAC; a NodeNetworkConfig
// per node listing exactly those; the generated NADs in place; the operator
// healthy and leading), and the node side and admission (dev-demo.ts).
import {
  deriveVtepMac,
  effectiveEtcdPrefix,
  generatedNadConfig,
  matchesLabelSelector,
  nodePublicIp,
  parseLeaseValue,
} from '../api/overlay/index.ts';
import { createEtcdClient } from '../lib/etcd/index.ts';
import type { EtcdClient } from '../lib/etcd/index.ts';
import {
  KubeClient,
  NETWORK_ATTACHMENT_DEFINITIONS,
  NAMESPACES,
  NODES,
  NODE_NETWORK_CONFIGS,
  OVERLAY_NETWORKS,
  loadKubeConfig,
} from '../lib/kube/index.ts';
import type { Node, NodeNetworkConfig, OverlayNetwork } from '../lib/kube/index.ts';
import type { DevCluster } from './dev-cluster.ts';
import { demoReport } from './dev-demo.ts';
import { kubectl } from './kube.ts';
import { waitFor } from './proc.ts';

export interface DevCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** One lease row: node, network, subnet, PublicIP, VtepMAC. */
export type LeaseRow = [string, string, string, string, string];

export interface DevSummary {
  /** `kubectl get onet` output. */
  table: string;
  leases: LeaseRow[];
  /** One line per pod with a network-status. */
  pods: string[];
  checks: DevCheck[];
  ok: boolean;
}

interface Snapshot {
  networks: OverlayNetwork[];
  nodes: Node[];
  configs: NodeNetworkConfig[];
  namespaces: Set<string>;
}

async function snapshot(client: KubeClient): Promise<Snapshot> {
  const [networks, nodes, configs, namespaces] = await Promise.all([
    client.listAll(OVERLAY_NETWORKS),
    client.listAll(NODES),
    client.listAll(NODE_NETWORK_CONFIGS),
    client.listAll(NAMESPACES),
  ]);
  return {
    networks: networks.items,
    nodes: nodes.items,
    configs: configs.items,
    namespaces: new Set(namespaces.items.map((n) => n.metadata?.name ?? '')),
  };
}

const readyOf = (o: OverlayNetwork): boolean =>
  o.status?.observedGeneration === o.metadata?.generation &&
  o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** Waits until every OverlayNetwork is Ready (or the time is up; the checks then say which is not). */
export async function waitForNetworks(dc: DevCluster, timeoutMs: number): Promise<void> {
  const client = new KubeClient(loadKubeConfig({ kubeconfig: dc.kubeconfig }));
  try {
    await waitFor(
      'every OverlayNetwork Ready',
      async () => {
        const { items } = await client.listAll(OVERLAY_NETWORKS);
        return items.length > 0 && items.every(readyOf) ? true : undefined;
      },
      { timeoutMs, intervalMs: 250 },
    ).catch(() => undefined);
  } finally {
    client.close();
  }
}

export async function devSummary(dc: DevCluster): Promise<DevSummary> {
  const client = new KubeClient(loadKubeConfig({ kubeconfig: dc.kubeconfig }));
  const etcd = createEtcdClient({ endpoints: [dc.controlPlane.etcdEndpoint] });
  try {
    const snap = await snapshot(client);
    const table = (await kubectl(dc.controlPlane, ['get', 'onet'])).stdout.trimEnd();
    const leases: LeaseRow[] = [];
    const checks: DevCheck[] = [readyCheck(snap)];
    const held = new Map<string, Map<string, string>>();
    for (const on of snap.networks) checks.push(await leaseCheck(etcd, snap, on, { leases, held }));
    checks.push(configCheck(snap, held));
    checks.push(await nadCheck(client, snap));
    checks.push(await operatorCheck(dc));
    const demo = await demoReport(dc.controlPlane.info(), dc.nodes, {
      pods: dc.pods,
      failures: dc.podFailures,
    });
    checks.push(...demo.checks);
    leases.sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));
    return { table, leases, pods: demo.pods, checks, ok: checks.every((c) => c.ok) };
  } finally {
    etcd.close();
    client.close();
  }
}

function readyCheck(snap: Snapshot): DevCheck {
  const notReady = snap.networks.filter((o) => !readyOf(o)).map((o) => o.metadata?.name);
  return {
    name: 'every OverlayNetwork is Ready',
    ok: snap.networks.length > 0 && notReady.length === 0,
    detail:
      snap.networks.length === 0
        ? 'no OverlayNetwork found'
        : notReady.length === 0
          ? `${snap.networks.length} Ready`
          : `not Ready: ${notReady.join(', ')}`,
  };
}

/** Every selected Ready node holds exactly one lease (its PublicIP, its VtepMAC); no one else does. */
async function leaseCheck(
  etcd: EtcdClient,
  snap: Snapshot,
  on: OverlayNetwork,
  out: { leases: LeaseRow[]; held: Map<string, Map<string, string>> },
): Promise<DevCheck> {
  const name = on.metadata?.name ?? '';
  const prefix = effectiveEtcdPrefix(name, on.spec.etcdPrefix) ?? '';
  const owners = new Map(
    (await etcd.listPrefix(`${prefix}/plexus/nodes/`)).kvs.map((kv) => [
      kv.key.slice(kv.key.lastIndexOf('/') + 1),
      kv.value,
    ]),
  );
  const problems: string[] = [];
  const selected = snap.nodes.filter((n) =>
    matchesLabelSelector(on.spec.nodeSelector, n.metadata?.labels),
  );
  for (const node of selected) {
    const n = node.metadata?.name ?? '';
    const subnet = owners.get(n);
    const ip = nodePublicIp({
      annotations: node.metadata?.annotations,
      addresses: node.status?.addresses,
    });
    const value =
      subnet === undefined ? undefined : (await etcd.get(`${prefix}/subnets/${subnet}`))?.value;
    const lease = value === undefined ? undefined : parseLeaseValue(value).value;
    if (subnet === undefined || lease === undefined) {
      problems.push(`${n} holds no lease`);
      continue;
    }
    if ('ip' in ip && lease.publicIp !== ip.ip)
      problems.push(`${n}: PublicIP ${lease.publicIp}, not ${ip.ip}`);
    if (lease.vtepMac !== deriveVtepMac(name, n))
      problems.push(`${n}: VtepMAC ${lease.vtepMac ?? '?'} is not its own`);
    out.leases.push([n, name, subnet.replace('-', '/'), lease.publicIp, lease.vtepMac ?? '']);
    const mine = out.held.get(n) ?? new Map<string, string>();
    mine.set(name, subnet.replace('-', '/'));
    out.held.set(n, mine);
  }
  const extra = [...owners.keys()].filter((n) => !selected.some((s) => s.metadata?.name === n));
  if (extra.length > 0) problems.push(`leases of unselected nodes: ${extra.join(', ')}`);
  return {
    name: `${name}: each selected node holds exactly its lease under ${prefix}`,
    ok: problems.length === 0,
    detail:
      problems.length === 0
        ? `${selected.length} of ${snap.nodes.length} nodes, ${owners.size} leases`
        : problems.join('; '),
  };
}

function configCheck(snap: Snapshot, held: Map<string, Map<string, string>>): DevCheck {
  const problems: string[] = [];
  for (const node of snap.nodes) {
    const n = node.metadata?.name ?? '';
    const cfg = snap.configs.find((c) => c.metadata?.name === n);
    if (cfg === undefined) {
      problems.push(`${n} has no NodeNetworkConfig`);
      continue;
    }
    const want = held.get(n) ?? new Map<string, string>();
    const got = new Map((cfg.spec.overlays ?? []).map((o) => [o.name, o.subnet]));
    const same = want.size === got.size && [...want].every(([k, v]) => got.get(k) === v);
    if (!same)
      problems.push(
        `${n} lists ${[...got.keys()].join(',') || 'nothing'}, holds ${[...want.keys()].join(',') || 'nothing'}`,
      );
  }
  return {
    name: 'a NodeNetworkConfig per node lists exactly its overlays and subnets',
    ok: problems.length === 0,
    detail: problems.length === 0 ? `${snap.nodes.length} NodeNetworkConfigs` : problems.join('; '),
  };
}

async function nadCheck(client: KubeClient, snap: Snapshot): Promise<DevCheck> {
  const problems: string[] = [];
  let count = 0;
  for (const on of snap.networks) {
    const name = on.metadata?.name ?? '';
    for (const ns of on.spec.attachment?.namespaces ?? []) {
      if (!snap.namespaces.has(ns)) continue;
      const nad = await client
        .get(NETWORK_ATTACHMENT_DEFINITIONS, { name, namespace: ns })
        .catch(() => undefined);
      if (nad?.spec?.config === generatedNadConfig(name)) count++;
      else problems.push(`${ns}/${name} missing or not as generated`);
    }
  }
  return {
    name: 'the generated NetworkAttachmentDefinitions are in place',
    ok: problems.length === 0,
    detail: problems.length === 0 ? `${count} NADs` : problems.join('; '),
  };
}

async function operatorCheck(dc: DevCluster): Promise<DevCheck> {
  const health = await fetch(`${dc.operator.url}/healthz`, { signal: AbortSignal.timeout(3000) })
    .then((r) => r.status)
    .catch(() => 0);
  const leading = await dc.operator.isLeader().catch(() => false);
  return {
    name: 'the operator is healthy and leading',
    ok: health === 200 && leading,
    detail: `/healthz ${health || 'unreachable'}, ${leading ? 'leader' : 'not leader'}`,
  };
}

/** The summary as printed: the table, the leases, where things are, the checks. */
export function renderSummary(dc: DevCluster, s: DevSummary): string {
  const pad = (rows: string[][]): string[] => {
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
    return rows.map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('   ')
        .trimEnd(),
    );
  };
  const lines = [
    '',
    '$ kubectl get onet',
    s.table,
    '',
    'Leases in etcd:',
    ...pad([['NODE', 'NETWORK', 'SUBNET', 'PUBLIC-IP', 'VTEP-MAC'], ...s.leases]),
    '',
    "Pods' interfaces (their k8s.v1.cni.cncf.io/network-status):",
    ...(s.pods.length > 0 ? s.pods.map((p) => `  ${p}`) : ['  (none)']),
    '',
    `kubeconfig:   ${dc.kubeconfig}    (kubectl --kubeconfig ${dc.kubeconfig} get onet,nnc,net-attach-def -A)`,
    `metrics:      ${dc.operator.url}/metrics (operator), ${dc.webhooks.healthUrl}/metrics (webhooks)`,
    ...dc.nodes.map((n) => `              ${n.agent.healthUrl}/metrics (agent on ${n.host.name})`),
    `operator log: ${dc.operatorLog}`,
    `webhooks:     ${dc.webhooks.url} (ValidatingWebhookConfiguration ${dc.webhooks.configurationName})`,
    `files:        ${dc.run.dir} (linked as ${dc.kubeconfig.replace(/kubeconfig$/, 'run')})`,
    `etcd:         ${dc.controlPlane.etcdEndpoint}`,
    '',
    'Checks:',
    ...s.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
    '',
  ];
  return lines.join('\n');
}
