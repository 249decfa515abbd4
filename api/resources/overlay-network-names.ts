// OverlayNetwork's names, defaults, limits and field names, apart from its TypeBox schema: the
// checks in api/overlay (which the webhook, the operator and the CLI run) read them without
// loading TypeBox, whose 200 modules were the largest part of the webhook process (about 7 MB of
// RSS). overlay-network.ts builds the schema from these, and re-exports them; a test holds the
// key lists to the schema's properties.

export const OVERLAY_NETWORK_KIND = 'OverlayNetwork';
export const OVERLAY_NETWORK_LIST_KIND = 'OverlayNetworkList';
export const OVERLAY_NETWORK_PLURAL = 'overlaynetworks';
export const OVERLAY_NETWORK_SINGULAR = 'overlaynetwork';
/** `onet`: `ovn` would suggest OVN-Kubernetes, and no built-in resource uses `onet`. */
export const OVERLAY_NETWORK_SHORT_NAMES = ['onet'];

/** Where the operator keeps a network's flannel data when spec.etcdPrefix is
 * omitted: `<root>/<name>` (see effectiveEtcdPrefix in api/overlay/resolved.ts;
 * the CEL rule in overlay-network.ts spells the same default). */
export const DEFAULT_ETCD_PREFIX_ROOT = '/plexus.dev/networks';

/** The kernel's (and so flannel's) default VXLAN UDP port. */
export const DEFAULT_VXLAN_PORT = 8472;
/** The longest subnet flannel leases ("SubnetLen must be less than /31"). */
export const MAX_SUBNET_LEN = 30;
/** flannel's default VNI, used by a flannel cluster network unless configured. */
export const FLANNEL_DEFAULT_VNI = 1;

/** Absolute, no trailing or doubled `/`, characters that need no quoting in
 * etcdctl, and every segment holding more than dots: flannel builds its keys
 * with Go's path.Join, which drops `.` segments and resolves `..` ones, so
 * `/plexus.dev/networks/x/../a` would be network a's prefix. A prefix this
 * pattern accepts is its own path.Clean. (RE2-safe: the API server runs it.) */
export const ETCD_PREFIX_PATTERN = '^(/\\.*[A-Za-z0-9_-][A-Za-z0-9._-]*)+$';
export const ETCD_PREFIX_MAX_LENGTH = 256;
export const MAX_ATTACHMENT_NAMESPACES = 256;

/** The properties of the object, its spec, spec.backend and spec.attachment, as the schema has them. */
export const OVERLAY_NETWORK_KEYS: readonly string[] = [
  'apiVersion',
  'kind',
  'metadata',
  'spec',
  'status',
];
export const OVERLAY_SPEC_KEYS: readonly string[] = [
  'network',
  'subnetLen',
  'subnetMin',
  'subnetMax',
  'backend',
  'mtu',
  'ipMasq',
  'etcdPrefix',
  'nodeSelector',
  'attachment',
];
export const OVERLAY_BACKEND_KEYS: readonly string[] = ['type', 'vni', 'port', 'directRouting'];
export const OVERLAY_ATTACHMENT_KEYS: readonly string[] = ['namespaces', 'namespaceSelector'];
