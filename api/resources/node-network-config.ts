// NodeNetworkConfig: the per-node desired network state the operator renders
// and the node agent applies (the pattern of sriov-network-operator's
// SriovNetworkNodeState). The name is the node's name; spec is written only
// by the operator, status only by that node's agent.
import { Type, type Static } from '@sinclair/typebox';
import { MTU_MAX, MTU_MIN, PORT_MAX, PORT_MIN, VNI_MAX } from '../common/limits.ts';
import type { PLEXUS_API_VERSION } from './common.ts';
import { ConditionsSchema, IPV4_CIDR_PATTERN, IPV4_PATTERN } from './common.ts';

export const NODE_NETWORK_CONFIG_KIND = 'NodeNetworkConfig';
export const NODE_NETWORK_CONFIG_PLURAL = 'nodenetworkconfigs';
export const NODE_NETWORK_CONFIG_SINGULAR = 'nodenetworkconfig';
export const NODE_NETWORK_CONFIG_SHORT_NAMES = ['nnc'];

const NodeOverlaySchema = Type.Object(
  {
    name: Type.String({
      description: 'Name of the OverlayNetwork this entry applies.',
      maxLength: 253,
    }),
    vni: Type.Integer({
      description: 'VXLAN network identifier of the overlay (device plexus.<vni>).',
      minimum: 1,
      maximum: VNI_MAX,
    }),
    port: Type.Integer({
      description: 'UDP port of the VXLAN device.',
      minimum: PORT_MIN,
      maximum: PORT_MAX,
    }),
    network: Type.String({
      description: 'The whole overlay network CIDR (FLANNEL_NETWORK).',
      pattern: IPV4_CIDR_PATTERN,
      maxLength: 18,
    }),
    subnet: Type.String({
      description:
        'The subnet leased to this node in etcd (flannel lease key <prefix>/subnets/<a.b.c.d-len>).',
      pattern: IPV4_CIDR_PATTERN,
      maxLength: 18,
    }),
    mtu: Type.Optional(
      Type.Integer({
        description:
          'MTU of the VXLAN device, the bridge and pod interfaces (FLANNEL_MTU). Absent when the OverlayNetwork sets none: the agent then uses its uplink MTU minus 50 (the VXLAN overhead).',
        minimum: MTU_MIN,
        maximum: MTU_MAX,
      }),
    ),
    ipMasq: Type.Boolean({
      description: 'Whether the node masquerades traffic leaving the overlay (FLANNEL_IPMASQ).',
    }),
    vtepMAC: Type.String({
      description:
        'MAC address of this node’s VXLAN device; derived from (network, node) so it survives reboots.',
      pattern: '^([0-9a-f]{2}:){5}[0-9a-f]{2}$',
    }),
    publicIP: Type.String({
      description: 'The node address VXLAN packets are sent to (the lease’s PublicIP).',
      pattern: IPV4_PATTERN,
      maxLength: 15,
    }),
    etcdPrefix: Type.String({
      description: 'flannel-style etcd prefix holding the overlay’s config and subnet leases.',
      maxLength: 256,
    }),
    directRouting: Type.Boolean({
      description: 'Route directly (no encapsulation) to peers on the same L2 segment.',
      default: false,
    }),
  },
  {
    description:
      'One overlay network this node joins, with the lease the operator allocated for it.',
  },
);

const NodeNetworkConfigSpecSchema = Type.Object(
  {
    cniConfig: Type.String({
      description:
        'The node’s CNI configuration (a JSON conflist with the plexus meta plugin) that the agent writes to the CNI config directory once the node is ready.',
      maxLength: 262144,
    }),
    overlays: Type.Optional(
      Type.Array(NodeOverlaySchema, {
        description: 'Overlay networks this node joins.',
        maxItems: 1024,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
  },
  { description: 'Desired network state of one node, written by the operator only.' },
);

const NodeOverlayStatusSchema = Type.Object(
  {
    name: Type.String({ description: 'Name of the OverlayNetwork.', maxLength: 253 }),
    subnet: Type.String({ description: 'The subnet the data plane was built for.', maxLength: 18 }),
    peers: Type.Integer({
      description: 'Number of remote leases programmed as neighbour, FDB and route entries.',
      minimum: 0,
    }),
  },
  { description: 'The state of one overlay on this node as the agent applied it.' },
);

const NodeNetworkConfigStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(
      Type.Integer({
        description: 'The .metadata.generation of the spec the agent last applied.',
        minimum: 0,
        format: 'int64',
      }),
    ),
    conditions: Type.Optional(ConditionsSchema),
    overlays: Type.Optional(
      Type.Array(NodeOverlayStatusSchema, {
        description: 'Overlays applied on the node.',
        maxItems: 1024,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
    lastError: Type.Optional(
      Type.String({
        description: 'The last error the agent met applying the spec, empty when none.',
        maxLength: 4096,
      }),
    ),
  },
  { description: 'Observed network state of the node, written by that node’s agent only.' },
);

export const NodeNetworkConfigSchema = Type.Object(
  {
    apiVersion: Type.String({
      description: 'APIVersion defines the versioned schema of this representation of an object.',
    }),
    kind: Type.String({
      description: 'Kind is a string value representing the REST resource this object represents.',
    }),
    metadata: Type.Object(
      {},
      { description: 'Standard object metadata; the name is the node’s name.' },
    ),
    spec: NodeNetworkConfigSpecSchema,
    status: Type.Optional(NodeNetworkConfigStatusSchema),
  },
  {
    description:
      'NodeNetworkConfig is the network configuration the Plexus operator renders for one node and that node’s agent applies.',
  },
);

export type NodeOverlay = Static<typeof NodeOverlaySchema>;
export type NodeNetworkConfigSpec = Static<typeof NodeNetworkConfigSpecSchema>;
export type NodeNetworkConfigStatus = Static<typeof NodeNetworkConfigStatusSchema>;
export interface NodeNetworkConfig {
  apiVersion: typeof PLEXUS_API_VERSION;
  kind: typeof NODE_NETWORK_CONFIG_KIND;
  metadata: { name: string; generation?: number; resourceVersion?: string; uid?: string };
  spec: NodeNetworkConfigSpec;
  status?: NodeNetworkConfigStatus;
}

export const NODE_NETWORK_CONFIG_PRINTER_COLUMNS = [
  {
    name: 'Overlays',
    type: 'string',
    jsonPath: '.status.overlays[*].name',
    description: 'Overlays applied on the node',
  },
  {
    name: 'Ready',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Ready")].status',
    description: 'Whether the agent applied the spec',
  },
  {
    name: 'Error',
    type: 'string',
    jsonPath: '.status.lastError',
    description: 'Last error',
    priority: 1,
  },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
] as const;
