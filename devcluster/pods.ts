// Simulated pods: a network namespace per pod on a host, wired up by running
// the host's CNI config through cni-exec.ts exactly as a runtime would.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { addNetworkList, delNetworkList, loadConfList } from './cni-exec.ts';
import type { ConfList, ExecContext, RuntimeConf } from './cni-exec.ts';
import { createNetns, deleteNetns, netnsPath, ping } from './netns.ts';
import { DEFAULT_NETWORK_FILE } from './hosts.ts';
import type { Host } from './hosts.ts';
import type { Run } from './run.ts';

export interface Pod {
  name: string;
  namespace: string;
  host: Host;
  containerId: string;
  /** Named network namespace of the pod. */
  ns: string;
  netnsPath: string;
  /** Attachments made through attach(), for detach on destroy. */
  attachments: Attachment[];
}

export interface Attachment {
  list: ConfList;
  rt: RuntimeConf;
  result: unknown;
}

export interface PodOptions {
  name: string;
  namespace?: string;
}

export async function createPod(run: Run, host: Host, opts: PodOptions): Promise<Pod> {
  const containerId = randomBytes(16).toString('hex');
  // The namespace name carries the run prefix so a sweep finds it; the container id keeps it unique.
  const ns = `${run.nsPrefix}p-${containerId.slice(0, 12)}`;
  await createNetns(ns);
  const pod: Pod = {
    name: opts.name,
    namespace: opts.namespace ?? 'default',
    host,
    containerId,
    ns,
    netnsPath: netnsPath(ns),
    attachments: [],
  };
  run.onClose(`pod ${pod.namespace}/${pod.name}`, () => destroyPod(pod));
  return pod;
}

/** The exec context of a host: its CNI bin dir, its namespace, its state dir for the result cache. */
export function hostExecContext(host: Host): ExecContext {
  return {
    binDirs: [host.cniBinDir],
    hostNetns: host.ns,
    cacheDir: join(host.stateDir, 'cni-cache'),
  };
}

/** Runs ADD for a conflist (default: the host's 10-default.conflist) on the pod; returns the CNI result. */
export async function attach(
  pod: Pod,
  opts: {
    confFile?: string;
    list?: ConfList;
    ifName?: string;
    capabilityArgs?: Record<string, unknown>;
  } = {},
): Promise<unknown> {
  const list =
    opts.list ?? loadConfList(opts.confFile ?? join(pod.host.cniConfDir, DEFAULT_NETWORK_FILE));
  const rt: RuntimeConf = {
    containerId: pod.containerId,
    netns: pod.netnsPath,
    ifName: opts.ifName ?? 'eth0',
    args: {
      IgnoreUnknown: 'true',
      K8S_POD_NAMESPACE: pod.namespace,
      K8S_POD_NAME: pod.name,
      K8S_POD_INFRA_CONTAINER_ID: pod.containerId,
    },
    capabilityArgs: opts.capabilityArgs,
  };
  const result = await addNetworkList(list, rt, hostExecContext(pod.host));
  pod.attachments.push({ list, rt, result });
  return result;
}

/** Runs DEL for every attachment, last first. */
export async function detachAll(pod: Pod): Promise<void> {
  while (pod.attachments.length > 0) {
    const a = pod.attachments.pop();
    if (a) await delNetworkList(a.list, a.rt, hostExecContext(pod.host));
  }
}

/** DEL for its attachments, then the namespace goes. Idempotent. */
export async function destroyPod(pod: Pod): Promise<void> {
  try {
    await detachAll(pod);
  } finally {
    await deleteNetns(pod.ns);
  }
}

/** First IPv4 address of a CNI result (without prefix length). */
export function resultIPv4(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const ips = (result as { ips?: unknown }).ips;
  if (!Array.isArray(ips)) return undefined;
  for (const ip of ips as unknown[]) {
    const addr =
      typeof ip === 'object' && ip !== null ? (ip as { address?: unknown }).address : undefined;
    if (typeof addr === 'string' && /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(addr))
      return addr.split('/')[0];
  }
  return undefined;
}

export function pingFromPod(pod: Pod, target: string): Promise<boolean> {
  return ping(pod.ns, target);
}
