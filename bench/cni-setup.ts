// The CNI benchmark's cluster: a control plane, one simulated node with its agent (the
// stripped build with the agent's Node flags, as a node runs it), two macvlan NADs, a pod that
// names them, and a libcni driver in the node's namespace; plus the direct delegates (the
// node's cluster network and the two NAD configs) for the comparison run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentCredentials, resolveAgentBuilds, startDevAgent } from '../devcluster/agents.ts';
import type { AgentBuilds, DevAgent } from '../devcluster/agents.ts';
import { startCniDriver } from '../devcluster/cni-driver.ts';
import type { CniDriver } from '../devcluster/cni-driver.ts';
import { startControlPlane } from '../devcluster/control-plane.ts';
import { createFabric, createHost, DEFAULT_NETWORK_FILE } from '../devcluster/hosts.ts';
import type { Host } from '../devcluster/hosts.ts';
import { kubectl, kubectlJson } from '../devcluster/kube.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import { macvlanConfig } from '../devcluster/pod-sandbox.ts';
import type { Run } from '../devcluster/run.ts';

export interface CniBenchCluster {
  cp: ControlPlaneInfo;
  host: Host;
  builds: AgentBuilds;
  token: string;
  driver: CniDriver;
  /** CNI_ARGS of the benchmark pod. */
  args: [string, string][];
  /** The delegates as a runtime would call them without Plexus: [conf, ifName]. */
  direct: [Record<string, unknown>, string][];
}

export const BENCH_NADS = ['bench-a', 'bench-b'];

const macvlan = (host: Host, name: string, subnet: string): Record<string, unknown> =>
  macvlanConfig(name, subnet, join(host.stateDir, 'ipam-nads'));

async function apply(cp: ControlPlaneInfo, obj: unknown): Promise<void> {
  await kubectl(cp, ['apply', '--server-side', '--field-manager=bench', '-f', '-'], {
    input: JSON.stringify(obj),
  });
}

/** A Pod object on the node naming the benchmark NADs; its CNI_ARGS. */
export async function benchPod(
  c: Pick<CniBenchCluster, 'cp' | 'host'>,
  name: string,
): Promise<[string, string][]> {
  await apply(c.cp, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'k8s.v1.cni.cncf.io/networks': BENCH_NADS.join(', ') },
    },
    spec: {
      nodeName: c.host.name,
      containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }],
    },
  });
  const pod = (await kubectlJson(c.cp, ['get', 'pod', name, '-n', 'default'])) as {
    metadata: { uid: string };
  };
  return [
    ['IgnoreUnknown', '1'],
    ['K8S_POD_NAMESPACE', 'default'],
    ['K8S_POD_NAME', name],
    ['K8S_POD_UID', pod.metadata.uid],
  ];
}

export async function startBenchCluster(run: Run): Promise<CniBenchCluster> {
  const cp = (await startControlPlane({ run })).info();
  const fabric = await createFabric(run);
  const host = await createHost(run, fabric, { name: 'bench-node', index: 1, controlPlane: cp });
  const configs = [
    macvlan(host, 'bench-a', '192.168.150.0/24'),
    macvlan(host, 'bench-b', '192.168.151.0/24'),
  ];
  for (const c of configs)
    await apply(cp, {
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: c.name, namespace: 'default' },
      spec: { config: JSON.stringify(c) },
    });
  const args = await benchPod({ cp, host }, 'bench');
  const builds = await resolveAgentBuilds();
  const token = await agentCredentials(cp);
  const driver = await startCniDriver(host);
  run.onClose('bench driver', () => driver.close());
  const cluster = JSON.parse(
    readFileSync(join(host.cniConfDir, DEFAULT_NETWORK_FILE), 'utf8'),
  ) as Record<string, unknown>;
  return {
    cp,
    host,
    builds,
    token,
    driver,
    args,
    direct: [
      [cluster, 'eth0'],
      [configs[0] as Record<string, unknown>, 'net1'],
      [configs[1] as Record<string, unknown>, 'net2'],
    ],
  };
}

/** Starts the node's agent with extra `plexus agent` flags. */
export function startBenchAgent(
  run: Run,
  c: CniBenchCluster,
  flags: string[] = [],
): Promise<DevAgent> {
  return startDevAgent(run, c.host, c.cp, { token: c.token, builds: c.builds, extraArgs: flags });
}
