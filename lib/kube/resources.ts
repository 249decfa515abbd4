// Where each resource lives in the API (group, version, plural, scope) and the type of its
// objects: the client and the informer build every URL from one of these.
import type {
  ConfigMap,
  DaemonSet,
  Deployment,
  Event,
  KubeObject,
  Lease,
  Namespace,
  NetworkAttachmentDefinition,
  Node,
  NodeNetworkConfig,
  OverlayNetwork,
  Pod,
  ReplicaSet,
  Secret,
  Service,
  StatefulSet,
} from './types.ts';

export interface ResourceType<T extends KubeObject = KubeObject> {
  /** "" for the core group. */
  group: string;
  version: string;
  /** The URL segment, e.g. "pods". */
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Never set; carries T so calls with this resource are typed. */
  readonly __type?: T;
}

/** `apiVersion` as objects carry it ("v1", "apps/v1"). */
function resource<T extends KubeObject>(
  apiVersion: string,
  plural: string,
  kind: string,
  namespaced = true,
): ResourceType<T> {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return { group, version: apiVersion.slice(slash + 1), plural, kind, namespaced };
}

/** "v1" or "apps/v1". */
export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** The URL path of a collection or an object, optionally of a subresource ("status"). */
export function resourcePath(
  type: ResourceType,
  target: { namespace?: string; name?: string; subresource?: string } = {},
): string {
  const base = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  if (type.namespaced && target.name !== undefined && !target.namespace)
    throw new Error(
      `${type.kind} ${target.name}: a namespace is required (${type.plural} are namespaced)`,
    );
  const ns = type.namespaced && target.namespace ? `/namespaces/${enc(target.namespace)}` : '';
  const name = target.name === undefined ? '' : `/${enc(target.name)}`;
  const sub = target.subresource ? `/${target.subresource}` : '';
  return `${base}${ns}/${type.plural}${name}${sub}`;
}

function enc(segment: string): string {
  if (segment === '' || segment === '.' || segment === '..' || segment.includes('/'))
    throw new Error(
      `invalid name or namespace ${JSON.stringify(segment.slice(0, 80))}: not a path segment`,
    );
  return encodeURIComponent(segment);
}

// Core
export const PODS = resource<Pod>('v1', 'pods', 'Pod');
export const NODES = resource<Node>('v1', 'nodes', 'Node', false);
export const NAMESPACES = resource<Namespace>('v1', 'namespaces', 'Namespace', false);
export const CONFIG_MAPS = resource<ConfigMap>('v1', 'configmaps', 'ConfigMap');
export const SECRETS = resource<Secret>('v1', 'secrets', 'Secret');
export const SERVICES = resource<Service>('v1', 'services', 'Service');
// apps
export const DEPLOYMENTS = resource<Deployment>('apps/v1', 'deployments', 'Deployment');
export const DAEMON_SETS = resource<DaemonSet>('apps/v1', 'daemonsets', 'DaemonSet');
export const STATEFUL_SETS = resource<StatefulSet>('apps/v1', 'statefulsets', 'StatefulSet');
export const REPLICA_SETS = resource<ReplicaSet>('apps/v1', 'replicasets', 'ReplicaSet');
// coordination, events
export const LEASES = resource<Lease>('coordination.k8s.io/v1', 'leases', 'Lease');
export const EVENTS = resource<Event>('events.k8s.io/v1', 'events', 'Event');
// Ours and the NPWG's
export const OVERLAY_NETWORKS = resource<OverlayNetwork>(
  'plexus.dev/v1alpha1',
  'overlaynetworks',
  'OverlayNetwork',
  false,
);
export const NODE_NETWORK_CONFIGS = resource<NodeNetworkConfig>(
  'plexus.dev/v1alpha1',
  'nodenetworkconfigs',
  'NodeNetworkConfig',
  false,
);
export const NETWORK_ATTACHMENT_DEFINITIONS = resource<NetworkAttachmentDefinition>(
  'k8s.cni.cncf.io/v1',
  'network-attachment-definitions',
  'NetworkAttachmentDefinition',
);
