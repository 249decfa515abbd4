// The Kubernetes resources Plexus reads and writes, what the running parts may
// use: names (group, kind, plural), the TypeBox schemas (the one source of the
// types, the CRDs and the ajv validators), and the types they give.

// The plexus.dev API group, and schema pieces shared by its resources.
export { PLEXUS_GROUP, PLEXUS_VERSION, PLEXUS_API_VERSION, PLEXUS_CATEGORY } from './common.ts';
// Schema pieces: metav1.Condition(s) and metav1.LabelSelector.
export { ConditionSchema, ConditionsSchema, labelSelectorSchema } from './common.ts';
// Their types, the metadata the code reads, and a printer column.
export type { Condition, LabelSelector, ObjectMeta, PrinterColumn } from './common.ts';
// NetworkAttachmentDefinition (NPWG v1.3), and the label on the NADs the operator generates.
export {
  NAD_GROUP,
  NAD_VERSION,
  NAD_API_VERSION,
  NAD_KIND,
  NAD_PLURAL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  NetworkAttachmentDefinitionSchema,
} from './network-attachment-definition.ts';
// A NAD and its spec.
export type {
  NetworkAttachmentDefinition,
  NetworkAttachmentDefinitionSpec,
} from './network-attachment-definition.ts';
// OverlayNetwork: names, defaults, the schema and its types.
export {
  OVERLAY_NETWORK_KIND,
  OVERLAY_NETWORK_LIST_KIND,
  OVERLAY_NETWORK_PLURAL,
  DEFAULT_ETCD_PREFIX_ROOT,
  DEFAULT_VXLAN_PORT,
  OverlayNetworkSchema,
} from './overlay-network.ts';
// An OverlayNetwork, its spec and its status.
export type {
  OverlayNetwork,
  OverlayNetworkSpec,
  OverlayNetworkStatus,
} from './overlay-network.ts';
// NodeNetworkConfig: the per-node config the operator renders and the agent applies.
export {
  NODE_NETWORK_CONFIG_KIND,
  NODE_NETWORK_CONFIG_PLURAL,
  NodeNetworkConfigSchema,
} from './node-network-config.ts';
// A NodeNetworkConfig, its spec and status, and one overlay entry of it.
export type {
  NodeNetworkConfig,
  NodeNetworkConfigSpec,
  NodeNetworkConfigStatus,
  NodeOverlay,
} from './node-network-config.ts';
