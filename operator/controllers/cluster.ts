// The operator's view of the cluster: one informer per resource it reads, with
// the indexes the controllers look things up by, and the few facts about
// objects every controller agrees on (a Ready node, a NAD Plexus generated).
import { nadValidator } from '../../api/cni/index.ts';
import { generatedFor, nodeNetworkConfigDigest } from '../../api/overlay/index.ts';
import {
  Informer,
  NAMESPACES,
  NETWORK_ATTACHMENT_DEFINITIONS,
  NODES,
  NODE_NETWORK_CONFIGS,
  OVERLAY_NETWORKS,
} from '../../lib/kube/index.ts';
import type {
  KubeClient,
  KubeObject,
  Namespace,
  NetworkAttachmentDefinition,
  Node,
  NodeNetworkConfig,
  OverlayNetwork,
  ResourceType,
} from '../../lib/kube/index.ts';
import type { Logger } from '../../lib/log/index.ts';

/** The field manager of every write the operator makes (server-side apply and updates). */
export const FIELD_MANAGER = 'plexus-operator';
/** NADs by the OverlayNetworks their config attaches to (generated or written by a person). */
export const BY_OVERLAY = 'overlay';
/** NADs by the OverlayNetwork they were generated for. */
export const BY_GENERATOR = 'generator';

/** A NodeNetworkConfig as the cache keeps it: its metadata and a digest of its spec (1,000
 * specs of 20 overlays are megabytes the operator only ever compares). */
export interface ConfigDigest extends KubeObject {
  digest: string;
}

export interface Cluster {
  nodes: Informer<Node>;
  networks: Informer<OverlayNetwork>;
  configs: Informer<ConfigDigest>;
  nads: Informer<NetworkAttachmentDefinition>;
  namespaces: Informer<Namespace>;
  all: Informer<KubeObject>[];
}

const nads = nadValidator();

/** The OverlayNetworks a NAD's config attaches to (none when the config does not read). */
export function overlayReferences(nad: NetworkAttachmentDefinition): string[] {
  return [...new Set(nads.create(nad).overlayReferences.map((r) => r.network))];
}

/** The OverlayNetwork a NAD was generated for: from its label, or, when someone removed the
 * label, from our field manager's ownership (a generated NAD is named after its network). */
export function generatorOf(nad: NetworkAttachmentDefinition): string | undefined {
  const labelled = generatedFor(nad.metadata?.labels);
  if (labelled !== undefined) return labelled;
  const ours = nad.metadata?.managedFields?.some((m) => m.manager === FIELD_MANAGER);
  return ours ? nad.metadata?.name : undefined;
}

export function nodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Metadata without managedFields (the largest part of most objects, never read from the cache). */
function slimMeta(meta: KubeObject['metadata']): KubeObject['metadata'] {
  if (meta?.managedFields === undefined) return meta;
  const rest = { ...meta };
  delete rest.managedFields;
  return rest;
}

/** A Node as the controllers read it: identity, labels, annotations, addresses, Ready. */
function slimNode(n: Node): Node {
  return {
    metadata: slimMeta(n.metadata),
    status: {
      addresses: n.status?.addresses,
      conditions: n.status?.conditions?.filter((c) => c.type === 'Ready'),
    },
  };
}

export function createCluster(client: KubeClient, logger: Logger): Cluster {
  const common = { client, logger };
  const nodes = new Informer<Node>({ ...common, type: NODES, transform: slimNode });
  const networks = new Informer<OverlayNetwork>({
    ...common,
    type: OVERLAY_NETWORKS,
    transform: (o) => ({ ...o, metadata: slimMeta(o.metadata) }),
  });
  // The agent's status is not the operator's business.
  const configs = new Informer<ConfigDigest>({
    ...common,
    type: NODE_NETWORK_CONFIGS as unknown as ResourceType<ConfigDigest>,
    // What arrives is a NodeNetworkConfig; what is kept is its digest.
    transform: (c) => ({
      metadata: slimMeta(c.metadata),
      digest: nodeNetworkConfigDigest((c as unknown as NodeNetworkConfig).spec),
    }),
  });
  const namespaces = new Informer<Namespace>({
    ...common,
    type: NAMESPACES,
    transform: (n) => ({ metadata: slimMeta(n.metadata) }),
  });
  const nadInformer = new Informer<NetworkAttachmentDefinition>({
    ...common,
    type: NETWORK_ATTACHMENT_DEFINITIONS,
    // Who manages a NAD is read (generatorOf); the fields each manager owns are not.
    transform: (nad) => ({
      ...nad,
      metadata: {
        ...nad.metadata,
        managedFields: nad.metadata?.managedFields?.map((m) => ({ manager: m.manager })),
      },
    }),
    indexers: {
      [BY_OVERLAY]: overlayReferences,
      [BY_GENERATOR]: (nad) => {
        const g = generatorOf(nad);
        return g === undefined ? [] : [g];
      },
    },
  });
  const all = [
    nodes,
    networks,
    configs,
    nadInformer,
    namespaces,
  ] as unknown as Informer<KubeObject>[];
  return { nodes, networks, configs, nads: nadInformer, namespaces, all };
}
