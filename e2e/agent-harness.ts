// Helpers shared by the agent's end-to-end tests: a simulated node with its agent and a libcni
// runtime (the cni-driver) in its namespace, Pod and NAD objects, the runtime's CNI_ARGS for a
// pod, host-local leases on disk, and small test plugins written into a host's bin dir.
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentCredentials, resolveAgentBuilds, startDevAgent } from '../devcluster/agents.ts';
import type { AgentBuilds, DevAgent } from '../devcluster/agents.ts';
import { startCniDriver } from '../devcluster/cni-driver.ts';
import type { CniDriver, DriverAttachment } from '../devcluster/cni-driver.ts';
import { createFabric, createHost } from '../devcluster/hosts.ts';
import type { Fabric, Host, HostOptions } from '../devcluster/hosts.ts';
import { kubectl, kubectlJson } from '../devcluster/kube.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import { ipJson } from '../devcluster/netns.ts';
import { podSandbox as podSandboxOnHost } from '../devcluster/pod-sandbox.ts';
import type { Pod as PodNetns } from '../devcluster/pods.ts';
import type { Run } from '../devcluster/run.ts';

export interface AgentNode {
  host: Host;
  agent: DevAgent;
  driver: CniDriver;
}

export interface NodeSetup {
  fabric?: Fabric;
  index?: number;
  builds?: AgentBuilds;
  token?: string;
  hostOptions?: Partial<HostOptions>;
  agentArgs?: string[];
  apiServer?: string;
  /** Wait for the agent's /readyz (default true). */
  waitReady?: boolean;
  /** Runs after the host exists and before its agent starts (e.g. to write a conf file). */
  beforeAgent?: (host: Host) => void | Promise<void>;
}

/** A host registered as a Node, its agent (ready) and a libcni driver in its namespace. */
export async function startAgentNode(
  run: Run,
  cp: ControlPlaneInfo,
  setup: NodeSetup = {},
): Promise<AgentNode> {
  const fabric = setup.fabric ?? (await createFabric(run));
  const index = setup.index ?? 1;
  const host = await createHost(run, fabric, {
    name: `n${index}-${run.tag}`,
    index,
    controlPlane: cp,
    ...setup.hostOptions,
  });
  await setup.beforeAgent?.(host);
  const builds = setup.builds ?? (await resolveAgentBuilds());
  const token = setup.token ?? (await agentCredentials(cp));
  const agent = await startDevAgent(run, host, cp, {
    token,
    builds,
    apiServer: setup.apiServer,
    extraArgs: setup.agentArgs,
    waitReady: setup.waitReady,
  });
  const driver = await startCniDriver(host);
  run.onClose(`cni-driver ${host.name}`, () => driver.close());
  return { host, agent, driver };
}

export async function ensureNamespace(cp: ControlPlaneInfo, name: string): Promise<void> {
  await kubectl(cp, ['create', 'namespace', name], { allowFail: true });
}

export async function applyObject(cp: ControlPlaneInfo, obj: unknown): Promise<void> {
  await kubectl(cp, ['apply', '--server-side', '--field-manager=e2e', '-f', '-'], {
    input: JSON.stringify(obj),
  });
}

/** A NetworkAttachmentDefinition with `config` as its spec.config. */
export function applyNad(
  cp: ControlPlaneInfo,
  namespace: string,
  name: string,
  config: Record<string, unknown>,
): Promise<void> {
  return applyObject(cp, {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name, namespace },
    spec: { config: JSON.stringify(config) },
  });
}

export { macvlanConfig } from '../devcluster/pod-sandbox.ts';

export interface PodObject {
  name: string;
  namespace: string;
  uid: string;
}

/** A Pod object scheduled on `node` (nothing runs it: the test plays the runtime). */
export async function createPodObject(
  cp: ControlPlaneInfo,
  spec: { name: string; namespace: string; node: string; annotations?: Record<string, string> },
): Promise<PodObject> {
  await applyObject(cp, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: spec.name, namespace: spec.namespace, annotations: spec.annotations ?? {} },
    spec: { nodeName: spec.node, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
  });
  const pod = (await kubectlJson(cp, ['get', 'pod', spec.name, '-n', spec.namespace])) as {
    metadata: { uid: string };
  };
  return { name: spec.name, namespace: spec.namespace, uid: pod.metadata.uid };
}

export async function podAnnotations(
  cp: ControlPlaneInfo,
  pod: Pick<PodObject, 'name' | 'namespace'>,
): Promise<Record<string, string>> {
  const obj = (await kubectlJson(cp, ['get', 'pod', pod.name, '-n', pod.namespace])) as {
    metadata: { annotations?: Record<string, string> };
  };
  return obj.metadata.annotations ?? {};
}

/** A pod's network namespace on a node's host, and the attachment a runtime would ask for. */
export function podSandbox(
  run: Run,
  node: AgentNode,
  pod: PodObject,
): Promise<{ netns: PodNetns; attachment: DriverAttachment }> {
  return podSandboxOnHost(run, node.host, pod);
}

/** host-local's leases (file names that are addresses) under a data dir, all networks. */
export function leases(dataDir: string): string[] {
  if (!existsSync(dataDir)) return [];
  const out: string[] = [];
  for (const network of readdirSync(dataDir)) {
    const dir = join(dataDir, network);
    for (const f of readdirSync(dir))
      if (/^[0-9a-f.:]+$/.test(f) && f.includes('.')) out.push(`${network}/${f}`);
  }
  return out.sort();
}

export interface LinkInfo {
  ifname: string;
  address?: string;
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

/** `ip -json addr` inside the pod. */
export async function podLinks(netnsName: string): Promise<LinkInfo[]> {
  return (await ipJson(netnsName, ['addr', 'show'])) as LinkInfo[];
}

/**
 * A chained test plugin (Node script) in the host's bin dir: ADD waits `sleepMs` from its
 * config, then passes the previous result on; DEL and CHECK succeed; VERSION lists 0.3.1–1.0.0.
 */
export function writeSlowPlugin(host: Host, type = 'test-slow'): void {
  const path = join(host.cniBinDir, type);
  writeFileSync(
    path,
    `#!${process.execPath}
// A chained CNI plugin for tests: waits, then passes the previous result on.
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const conf = JSON.parse(Buffer.concat(chunks).toString() || '{}');
  const cmd = process.env.CNI_COMMAND;
  if (cmd === 'VERSION') {
    process.stdout.write(JSON.stringify({ cniVersion: conf.cniVersion, supportedVersions: ['0.3.1', '0.4.0', '1.0.0'] }));
    return;
  }
  if (cmd !== 'ADD') return;
  setTimeout(() => {
    process.stdout.write(JSON.stringify({ ...(conf.prevResult ?? {}), cniVersion: conf.cniVersion }));
  }, Number(conf.sleepMs ?? 0));
});
`,
  );
  chmodSync(path, 0o755);
}
