// The Node controller: for one node, the leases it should hold in every
// OverlayNetwork (one etcd transaction for all of them), then its
// NodeNetworkConfig: the meta-plugin CNI config and one entry per overlay it
// joined, created or patched as a whole, and owned by the Node. A node that is
// gone loses its leases and its NodeNetworkConfig, explicitly (the garbage
// collector would take the config too, but not the leases, and not promptly).
import {
  nodeNetworkConfigDigest,
  nodeNetworkConfigSpec,
  subnetCidrText,
} from '../../api/overlay/index.ts';
import type { JoinedOverlay } from '../../api/overlay/index.ts';
import { NODE_NETWORK_CONFIGS, isAlreadyExists, isNotFound } from '../../lib/kube/index.ts';
import type { KubeClient, Node, NodeNetworkConfig } from '../../lib/kube/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import type { LeaseStore } from '../allocation/lease-store.ts';
import type { NetworkLeases } from '../allocation/network-leases.ts';
import type { NodeWish } from '../allocation/node-plan.ts';
import { syncNodeLeases } from '../allocation/node-sync.ts';
import type { ReconcileResult } from '../runtime/index.ts';
import { FIELD_MANAGER } from './cluster.ts';
import type { Cluster } from './cluster.ts';
import { membership } from './network-registry.ts';
import { nodeFacts } from './node-facts.ts';
import type { NodeFacts } from './node-facts.ts';
import type { NetworkRegistry, NetworkState } from './network-registry.ts';

export interface NodeControllerDeps {
  client: KubeClient;
  cluster: Cluster;
  store: LeaseStore;
  registry: NetworkRegistry;
  logger: Logger;
  /** The rendered meta-plugin config every NodeNetworkConfig carries. */
  cniConfig: string;
  /** A network's leases changed: refresh its status soon. */
  networkChanged(name: string): void;
  /** Digests of the specs written, by node (the event handlers ignore our own writes). */
  written: Map<string, string>;
}

export function nodeReconciler(deps: NodeControllerDeps) {
  return async (name: string): Promise<ReconcileResult | void> => {
    const node = deps.cluster.nodes.store.get(name);
    if (node === undefined || node.metadata?.deletionTimestamp !== undefined) {
      await nodeGone(deps, name);
      return;
    }
    const facts = nodeFacts(node);
    const networks = deps.registry.loaded();
    const result = await syncNodeLeases(deps.store, name, () =>
      networks.map((s) => wish(s, node, facts)),
    );
    noteWaiting(networks, name, result.waiting);
    for (const l of result.changed) deps.networkChanged(l.ref.name);
    await writeConfig(deps, node, joinedOverlays(networks, name));
  };
}

function wish(s: NetworkState & { leases: NetworkLeases }, node: Node, facts: NodeFacts): NodeWish {
  const m = membership(s, node.metadata?.labels);
  const holds = s.leases.ownerRecord(node.metadata?.name ?? '') !== undefined;
  return {
    leases: s.leases,
    vni: s.resolved?.config.backend.vni ?? 0,
    member: m === 'join' || (m === 'hold' && holds),
    mayJoin: m === 'join' && facts.ready,
    ...(facts.publicIp === undefined ? {} : { publicIp: facts.publicIp }),
  };
}

function noteWaiting(
  networks: readonly NetworkState[],
  node: string,
  waiting: NetworkLeases[],
): void {
  const waits = new Set(waiting.map((l) => l.ref.name));
  for (const s of networks) {
    if (waits.has(s.name)) s.waiting.add(node);
    else s.waiting.delete(node);
  }
}

/** The overlays the node holds a complete lease in, as its NodeNetworkConfig lists them. */
function joinedOverlays(
  networks: readonly (NetworkState & { leases: NetworkLeases })[],
  node: string,
): JoinedOverlay[] {
  const out: JoinedOverlay[] = [];
  for (const s of networks) {
    if (s.deleting || s.resolved === undefined || s.etcdPrefix === undefined) continue;
    const h = s.leases.holding(node);
    if (h?.state !== 'complete' || h.publicIp === undefined) continue;
    out.push({
      name: s.name,
      etcdPrefix: s.etcdPrefix,
      config: s.resolved.config,
      lease: {
        subnet: subnetCidrText(h.subnet),
        vtepMac: s.leases.vtepMac(node),
        publicIp: h.publicIp,
      },
    });
  }
  return out;
}

async function writeConfig(
  deps: NodeControllerDeps,
  node: Node,
  joined: JoinedOverlay[],
): Promise<void> {
  const name = node.metadata?.name ?? '';
  const uid = node.metadata?.uid ?? '';
  const spec = nodeNetworkConfigSpec(deps.cniConfig, joined);
  const digest = nodeNetworkConfigDigest(spec);
  const current = deps.cluster.configs.store.get(name);
  const owned = current?.metadata?.ownerReferences?.some((o) => o.uid === uid) ?? false;
  deps.written.set(name, digest);
  if (owned && current?.digest === digest) return;
  const nnc: NodeNetworkConfig = {
    metadata: {
      name,
      // Owned by the Node: the garbage collector removes it with the Node even without us.
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid }],
    },
    spec,
  };
  // Created when absent; otherwise a merge patch, which replaces the overlays list whole (an
  // edit by someone else is undone; an empty list stays a list, where a server-side apply
  // over fields first written by a create would leave null).
  if (current === undefined) {
    try {
      await deps.client.create(NODE_NETWORK_CONFIGS, nnc, { fieldManager: FIELD_MANAGER });
      deps.logger.debug({ key: name, overlays: joined.length }, 'NodeNetworkConfig created');
      return;
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }
  try {
    await deps.client.patch(
      NODE_NETWORK_CONFIGS,
      { name },
      { metadata: { ownerReferences: nnc.metadata?.ownerReferences }, spec },
      { type: 'merge', fieldManager: FIELD_MANAGER },
    );
  } catch (e) {
    if (!isNotFound(e)) throw e;
    // Deleted after the cache saw it: create it.
    await deps.client.create(NODE_NETWORK_CONFIGS, nnc, { fieldManager: FIELD_MANAGER });
  }
  deps.logger.debug({ key: name, overlays: joined.length }, 'NodeNetworkConfig written');
}

/** The node is gone: its leases everywhere, then its NodeNetworkConfig. */
async function nodeGone(deps: NodeControllerDeps, name: string): Promise<void> {
  const networks = deps.registry.loaded();
  const result = await syncNodeLeases(deps.store, name, () =>
    networks.map((s) => ({ leases: s.leases, vni: 0, member: false, mayJoin: false })),
  );
  for (const s of networks) s.waiting.delete(name);
  for (const l of result.changed) deps.networkChanged(l.ref.name);
  deps.written.delete(name);
  if (deps.cluster.configs.store.get(name) === undefined) return;
  try {
    await deps.client.delete(NODE_NETWORK_CONFIGS, { name });
    deps.logger.info({ key: name }, 'node gone: leases released, NodeNetworkConfig deleted');
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
