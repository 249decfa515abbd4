// Node objects without hosts behind them, for tests and benchmarks that need
// many nodes (the operator reads only the object: labels, addresses, Ready).
// Created with a bounded number of requests in flight.
import { NODES } from '../lib/kube/index.ts';
import type { KubeClient, Node } from '../lib/kube/index.ts';

export interface NodeObjectSpec {
  name: string;
  /** Its InternalIP. */
  ip: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Default true. */
  ready?: boolean;
}

export function nodeStatus(spec: NodeObjectSpec): NonNullable<Node['status']> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    addresses: [
      { type: 'InternalIP', address: spec.ip },
      { type: 'Hostname', address: spec.name },
    ],
    conditions: [
      {
        type: 'Ready',
        status: spec.ready === false ? 'False' : 'True',
        reason: spec.ready === false ? 'SimulatedNodeNotReady' : 'SimulatedNodeReady',
        message: 'simulated node',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      },
    ],
  };
}

/** Creates the Node, then its status (addresses, Ready condition). */
export async function createNodeObject(client: KubeClient, spec: NodeObjectSpec): Promise<void> {
  await client.create(NODES, {
    metadata: {
      name: spec.name,
      labels: {
        'kubernetes.io/hostname': spec.name,
        'plexus.dev/simulated': 'true',
        ...spec.labels,
      },
      ...(spec.annotations ? { annotations: spec.annotations } : {}),
    },
  });
  await setNodeStatus(client, spec);
}

export async function setNodeStatus(client: KubeClient, spec: NodeObjectSpec): Promise<void> {
  await client.patch(
    NODES,
    { name: spec.name },
    { status: nodeStatus(spec) },
    { type: 'merge', status: true },
  );
}

/** Creates many Nodes, `concurrency` requests at a time. */
export async function createNodeObjects(
  client: KubeClient,
  specs: readonly NodeObjectSpec[],
  concurrency = 16,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < specs.length) await createNodeObject(client, specs[next++] as NodeObjectSpec);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
}

/** The i-th simulated address: 10.200.x.y from 1. */
export function simulatedIp(i: number): string {
  return `10.200.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}
