// What the controllers read from a Node, worked out once per version of the
// object (the informer hands out a new object on every change, so a WeakMap
// keyed by the object is exact and never stale).
import { nodePublicIp } from '../../api/overlay/index.ts';
import type { Node } from '../../lib/kube/index.ts';
import { nodeReady } from './cluster.ts';

export interface NodeFacts {
  ready: boolean;
  /** The PublicIP of its leases, when it has a usable address. */
  publicIp?: string;
  /** Why it has none. */
  addressProblem?: string;
}

const cache = new WeakMap<Node, NodeFacts>();

export function nodeFacts(node: Node): NodeFacts {
  let f = cache.get(node);
  if (f !== undefined) return f;
  const ip = nodePublicIp({
    annotations: node.metadata?.annotations,
    addresses: node.status?.addresses,
  });
  f = {
    ready: nodeReady(node),
    ...('ip' in ip ? { publicIp: ip.ip } : { addressProblem: ip.problem }),
  };
  cache.set(node, f);
  return f;
}

/** Whether an update changed anything the controllers read (kubelet heartbeats do not). */
export function nodeChanged(old: Node, node: Node): boolean {
  const a = nodeFacts(old);
  const b = nodeFacts(node);
  return (
    a.ready !== b.ready ||
    a.publicIp !== b.publicIp ||
    old.metadata?.uid !== node.metadata?.uid ||
    old.metadata?.deletionTimestamp !== node.metadata?.deletionTimestamp ||
    JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(node.metadata?.labels ?? {})
  );
}
