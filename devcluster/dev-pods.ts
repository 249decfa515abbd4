// Multi-interface pods for a dev cluster (`plexus dev`): node agents on every simulated host,
// and pods started as a runtime starts them — a Pod object on a node, a network namespace, and
// a CNI ADD through libcni (the cni-driver) on that node, which runs the node's
// 00-plexus.conflist. The summary lists each pod's interfaces as its network-status reports them.
import { agentCredentials, resolveAgentBuilds, startDevAgent } from './agents.ts';
import type { AgentOptions, DevAgent } from './agents.ts';
import { startCniDriver } from './cni-driver.ts';
import type { CniDriver } from './cni-driver.ts';
import type { Host } from './hosts.ts';
import { kubectl, kubectlJson } from './kube.ts';
import type { ControlPlaneInfo } from './kube.ts';
import { podSandbox } from './pod-sandbox.ts';
import { destroyPod } from './pods.ts';
import type { Pod as PodNetns } from './pods.ts';
import type { Run } from './run.ts';

const NETWORKS = 'k8s.v1.cni.cncf.io/networks';
const STATUS = 'k8s.v1.cni.cncf.io/network-status';

export interface DevNode {
  host: Host;
  agent: DevAgent;
  /** The node's runtime: libcni in the host's namespace. */
  driver: CniDriver;
}

/** An agent and a libcni runtime on each host (in parallel; one ServiceAccount token for all). */
export async function startNodeAgents(
  run: Run,
  hosts: readonly Host[],
  cp: ControlPlaneInfo,
  opts: Partial<Pick<AgentOptions, 'extraArgs' | 'env' | 'varLibCni'>> = {},
): Promise<DevNode[]> {
  const builds = await resolveAgentBuilds();
  const token = await agentCredentials(cp);
  return Promise.all(
    hosts.map(async (host) => {
      const agent = await startDevAgent(run, host, cp, { token, builds, ...opts });
      const driver = await startCniDriver(host);
      run.onClose(`cni-driver ${host.name}`, () => driver.close());
      return { host, agent, driver };
    }),
  );
}

export interface DevPodSpec {
  name: string;
  namespace?: string;
  /** The k8s.v1.cni.cncf.io/networks annotation, e.g. "macvlan-a, blue@data0". */
  networks?: string;
  /** Other annotations (e.g. v1.multus-cni.io/default-network). */
  annotations?: Record<string, string>;
}

export interface DevPod {
  name: string;
  namespace: string;
  node: string;
  netns: PodNetns;
  /** The CNI ADD result the runtime got (the cluster network's). */
  result: Record<string, unknown> | undefined;
  /** CNI DEL, then the Pod object and the namespace go. */
  remove(): Promise<void>;
}

/** Creates the Pod object on the node and runs its CNI ADD as the node's runtime would. */
export async function startDevPod(
  run: Run,
  node: DevNode,
  cp: ControlPlaneInfo,
  spec: DevPodSpec,
): Promise<DevPod> {
  const namespace = spec.namespace ?? 'default';
  const annotations = {
    ...spec.annotations,
    ...(spec.networks ? { [NETWORKS]: spec.networks } : {}),
  };
  const manifest = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: spec.name, namespace, annotations },
    spec: {
      nodeName: node.host.name,
      containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }],
    },
  };
  await kubectl(cp, ['apply', '--server-side', '--field-manager=plexus-dev', '-f', '-'], {
    input: JSON.stringify(manifest),
  });
  const obj = (await kubectlJson(cp, ['get', 'pod', spec.name, '-n', namespace])) as {
    metadata: { uid: string };
  };
  const { netns, attachment } = await podSandbox(run, node.host, {
    name: spec.name,
    namespace,
    uid: obj.metadata.uid,
  });
  const added = await node.driver.add(attachment);
  return {
    name: spec.name,
    namespace,
    node: node.host.name,
    netns,
    result: added.result,
    async remove() {
      await node.driver.del(attachment);
      await kubectl(cp, [
        'delete',
        'pod',
        spec.name,
        '-n',
        namespace,
        '--wait=false',
        '--ignore-not-found',
      ]);
      await destroyPod(netns);
    },
  };
}

interface StatusEntry {
  name?: string;
  interface?: string;
  ips?: string[];
  default?: boolean;
}

/** One line per pod with a network-status: `ns/pod (node): eth0 10.244.1.2 default, net1 …`. */
export async function podNetworkSummary(cp: ControlPlaneInfo): Promise<string[]> {
  const pods = (await kubectlJson(cp, ['get', 'pods', '-A'])) as {
    items: {
      metadata: { namespace: string; name: string; annotations?: Record<string, string> };
      spec: { nodeName?: string };
    }[];
  };
  const lines: string[] = [];
  for (const p of pods.items) {
    const value = p.metadata.annotations?.[STATUS];
    if (value === undefined) continue;
    let entries: StatusEntry[];
    try {
      entries = JSON.parse(value) as StatusEntry[];
    } catch {
      lines.push(`${p.metadata.namespace}/${p.metadata.name}: unreadable network-status`);
      continue;
    }
    const parts = entries.map(
      (e) =>
        `${e.interface ?? '?'} ${(e.ips ?? []).join(' ') || '(no address)'} ${e.default === true ? 'default' : (e.name ?? '')}`,
    );
    lines.push(
      `${p.metadata.namespace}/${p.metadata.name} (${p.spec.nodeName ?? '?'}): ${parts.join(', ')}`,
    );
  }
  return lines.sort();
}
