// The operator's view of the cluster: one informer per resource it reads, with
// the indexes the controllers look things up by, and the few facts about
// objects every controller agrees on (a Ready node, a NAD Plexus generated).
import { nadValidator } from '../../api/cni/index.ts';
import { generatedFor } from '../../api/overlay/index.ts';
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
} from '../../lib/kube/index.ts';
import type { Logger } from '../../lib/log/index.ts';

/** The field manager of every write the operator makes (server-side apply and updates). */
export const FIELD_MANAGER = 'plexus-operator';
/** NADs by the OverlayNetworks their config attaches to (generated or written by a person). */
export const BY_OVERLAY = 'overlay';
/** NADs by the OverlayNetwork they were generated for. */
export const BY_GENERATOR = 'generator';

export interface Cluster {
  nodes: Informer<Node>;
  networks: Informer<OverlayNetwork>;
  configs: Informer<NodeNetworkConfig>;
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

export function createCluster(client: KubeClient, logger: Logger): Cluster {
  const common = { client, logger };
  const nodes = new Informer<Node>({ ...common, type: NODES });
  const networks = new Informer<OverlayNetwork>({ ...common, type: OVERLAY_NETWORKS });
  const configs = new Informer<NodeNetworkConfig>({ ...common, type: NODE_NETWORK_CONFIGS });
  const namespaces = new Informer<Namespace>({ ...common, type: NAMESPACES });
  const nadInformer = new Informer<NetworkAttachmentDefinition>({
    ...common,
    type: NETWORK_ATTACHMENT_DEFINITIONS,
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
