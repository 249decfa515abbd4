// OverlayNetwork (plexus.dev/v1alpha1, cluster-scoped): the declarative form of
// "run another flannel network". The schema is the one source of truth for the
// TypeScript type, the ajv validator and the CRD's openAPIV3Schema, so every
// node is structural and every field has a description `kubectl explain` prints.
//
// The CEL rules below make the API server itself refuse what would break a
// running network even without the webhook (immutable VNI and etcd prefix,
// network changes that would orphan leases). They are written so that they
// also hold on /status updates: there the spec equals the old spec, so every
// transition rule compares a value with itself. The webhook (through
// api/overlay's validator: overlay-object.ts, network-set.ts, update.ts) gives the same
// verdicts with a fix, and adds what CEL cannot see (other objects, real lease
// counts). The checks read their keys and limits from these schemas.
import { Type, type Static } from '@sinclair/typebox';
import { MTU_MAX, MTU_MIN, PORT_MAX, PORT_MIN, VNI_MAX } from '../common/limits.ts';
import { DNS1123_LABEL_PATTERN } from '../common/names.ts';
import {
  ConditionsSchema,
  IPV4_CIDR_PATTERN,
  IPV4_PATTERN,
  labelSelectorSchema,
  type ObjectMeta,
  type PrinterColumn,
} from './common.ts';

import {
  DEFAULT_ETCD_PREFIX_ROOT,
  DEFAULT_VXLAN_PORT,
  ETCD_PREFIX_MAX_LENGTH,
  ETCD_PREFIX_PATTERN,
  MAX_ATTACHMENT_NAMESPACES,
  MAX_SUBNET_LEN,
} from './overlay-network-names.ts';

// Names, defaults and limits live apart from the schema (the checks read them without TypeBox).
export {
  OVERLAY_NETWORK_KIND,
  OVERLAY_NETWORK_LIST_KIND,
  OVERLAY_NETWORK_PLURAL,
  OVERLAY_NETWORK_SINGULAR,
  OVERLAY_NETWORK_SHORT_NAMES,
  DEFAULT_ETCD_PREFIX_ROOT,
  DEFAULT_VXLAN_PORT,
  MAX_SUBNET_LEN,
  FLANNEL_DEFAULT_VNI,
  ETCD_PREFIX_PATTERN,
  ETCD_PREFIX_MAX_LENGTH,
  MAX_ATTACHMENT_NAMESPACES,
} from './overlay-network-names.ts';

/** A CEL validation rule as the CRD's x-kubernetes-validations holds it. */
interface CelRule {
  rule: string;
  message: string;
  fieldPath?: string;
  reason?:
    'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

// CEL building blocks. `s` is the CEL path of a spec (`self` inside the spec,
// `self.spec`/`oldSelf.spec` at the root). Every cidr()/ip() call is guarded
// by isCIDR()/isIP() so a malformed value yields the schema's error, not a CEL
// evaluation error.
const prefixOf = (s: string): string => `cidr(${s}.network).prefixLength()`;
/** flannel's rule: SubnetLen 24 when the network is /22 or larger, else prefix + 2. */
const effectiveSubnetLen = (s: string): string =>
  `(has(${s}.subnetLen) ? ${s}.subnetLen : (${prefixOf(s)} <= 22 ? 24 : ${prefixOf(s)} + 2))`;
const leasesExist =
  'has(oldSelf.status) && has(oldSelf.status.subnets) && oldSelf.status.subnets.allocated > 0';
const effectiveEtcdPrefix = (o: string): string =>
  `(has(${o}.spec.etcdPrefix) ? ${o}.spec.etcdPrefix : '${DEFAULT_ETCD_PREFIX_ROOT}/' + ${o}.metadata.name)`;
const SLASH_LENGTHS = `[${Array.from({ length: 33 }, (_, i) => `'/${i}'`).join(', ')}]`;
/** Rules for subnetMin/subnetMax: inside the network, on a subnet boundary. */
function boundRules(field: 'subnetMin' | 'subnetMax'): CelRule[] {
  const usable = `has(self.${field}) && isCIDR(self.network) && isIP(self.${field}) && ${prefixOf('self')} <= 28 && (!has(self.subnetLen) || self.subnetLen <= 30)`;
  // A constant list instead of string(int): CEL cannot bound the size of
  // string(int), which would blow the CRD's cost budget.
  const asSubnet = `cidr(self.${field} + ${SLASH_LENGTHS}[${effectiveSubnetLen('self')}])`;
  return [
    {
      rule: `!(${usable}) || cidr(self.network).containsIP(self.${field})`,
      message: `spec.${field} must lie inside spec.network`,
      fieldPath: `.${field}`,
      reason: 'FieldValueInvalid',
    },
    {
      rule: `!(${usable}) || ${asSubnet} == ${asSubnet}.masked()`,
      message: `spec.${field} must be the first address of a subnet of length subnetLen (e.g. 10.5.1.0 for /24 subnets)`,
      fieldPath: `.${field}`,
      reason: 'FieldValueInvalid',
    },
  ];
}

const NetworkSchema = Type.String({
  description:
    'The IPv4 network the overlay hands out, in CIDR form with the host bits zero (e.g. 10.5.0.0/16). ' +
    'Each node that joins leases one subnet of it (flannel\'s "Network"). It must be /28 or larger, ' +
    'must not overlap the cluster or service CIDRs or another OverlayNetwork, and while subnets are leased ' +
    'it may only change to a larger network that contains the old one.',
  maxLength: 18,
  pattern: IPV4_CIDR_PATTERN,
  'x-kubernetes-validations': [
    {
      rule: 'isCIDR(self) && cidr(self).ip().family() == 4',
      message: 'spec.network must be an IPv4 CIDR such as 10.5.0.0/16',
      reason: 'FieldValueInvalid',
    },
    {
      rule: '!isCIDR(self) || cidr(self) == cidr(self).masked()',
      message:
        'spec.network must be written with its host bits zero (e.g. 173.17.0.0/16, not 173.17.0.1/16)',
      reason: 'FieldValueInvalid',
    },
    {
      rule: '!isCIDR(self) || (cidr(self).prefixLength() >= 1 && cidr(self).prefixLength() <= 28)',
      message:
        'spec.network must be between /1 and /28: flannel needs room for at least four subnets',
      reason: 'FieldValueInvalid',
    },
  ] satisfies CelRule[],
});

export const OverlayBackendSchema = Type.Object(
  {
    type: Type.Optional(
      Type.String({
        description: 'The encapsulation. Only vxlan is supported (flannel\'s "Backend.Type").',
        enum: ['vxlan'],
        default: 'vxlan',
      }),
    ),
    vni: Type.Integer({
      description:
        'The VXLAN Network Identifier, 1-16777215, unique across OverlayNetworks (flannel\'s "Backend.VNI"). ' +
        'Each node gets a VXLAN device named plexus.<vni>. Avoid 1 when the cluster network itself is flannel ' +
        'with its default VNI on the same port. Immutable: to change it create a new OverlayNetwork.',
      minimum: 1,
      maximum: VNI_MAX,
      'x-kubernetes-validations': [
        {
          rule: 'self == oldSelf',
          message:
            'spec.backend.vni is immutable: create a new OverlayNetwork with the new VNI and move workloads to it',
          reason: 'FieldValueForbidden',
        },
      ] satisfies CelRule[],
    }),
    port: Type.Optional(
      Type.Integer({
        description:
          'UDP destination port of the VXLAN traffic (flannel\'s "Backend.Port"). Default 8472, the Linux ' +
          "kernel's and flannel's default. Changing it makes every node re-create its VXLAN device.",
        minimum: PORT_MIN,
        maximum: PORT_MAX,
        default: DEFAULT_VXLAN_PORT,
      }),
    ),
    directRouting: Type.Optional(
      Type.Boolean({
        description:
          'Route directly, without encapsulation, to nodes on the same L2 subnet as this node ' +
          '(flannel\'s "Backend.DirectRouting"). Default false.',
        default: false,
      }),
    ),
  },
  { description: 'How packets travel between nodes (flannel\'s "Backend" object).' },
);

export const OverlayAttachmentSchema = Type.Object(
  {
    namespaces: Type.Optional(
      Type.Array(
        Type.String({
          description: 'A namespace name.',
          maxLength: 63,
          pattern: DNS1123_LABEL_PATTERN,
        }),
        {
          description:
            'Namespaces that get a NetworkAttachmentDefinition named after this OverlayNetwork, so their pods ' +
            'can attach with the annotation k8s.v1.cni.cncf.io/networks: <name>.',
          maxItems: MAX_ATTACHMENT_NAMESPACES,
          'x-kubernetes-list-type': 'set',
        },
      ),
    ),
    namespaceSelector: Type.Optional(
      labelSelectorSchema(
        'Namespaces whose labels match get the NetworkAttachmentDefinition; an empty selector ({}) selects every ' +
          'namespace. Use either this or namespaces, not both.',
      ),
    ),
  },
  {
    description:
      'Where the operator generates the NetworkAttachmentDefinition that lets pods use this network. ' +
      'When omitted no namespace gets one.',
    'x-kubernetes-validations': [
      {
        rule: '!(has(self.namespaces) && has(self.namespaceSelector))',
        message: 'spec.attachment: set either namespaces or namespaceSelector, not both',
        reason: 'FieldValueForbidden',
      },
    ] satisfies CelRule[],
  },
);

export const OverlayNetworkSpecSchema = Type.Object(
  {
    network: NetworkSchema,
    subnetLen: Type.Optional(
      Type.Integer({
        description:
          'Prefix length of the subnet each node leases (flannel\'s "SubnetLen"), at most 30 and at least the ' +
          "network's prefix + 2. When omitted: 24 if the network is /22 or larger, else the network's prefix + 2. " +
          'Immutable once set.',
        minimum: 1,
        maximum: MAX_SUBNET_LEN,
      }),
    ),
    subnetMin: Type.Optional(
      Type.String({
        description:
          'First subnet that may be leased, as its network address (flannel\'s "SubnetMin"). Default: the ' +
          'second subnet of the network (the first is never leased, so no node gets the network address).',
        maxLength: 15,
        pattern: IPV4_PATTERN,
      }),
    ),
    subnetMax: Type.Optional(
      Type.String({
        description:
          'Last subnet that may be leased, as its network address (flannel\'s "SubnetMax"). Default: the ' +
          'last subnet of the network.',
        maxLength: 15,
        pattern: IPV4_PATTERN,
      }),
    ),
    backend: OverlayBackendSchema,
    mtu: Type.Optional(
      Type.Integer({
        description:
          "MTU of the VXLAN device and of pod interfaces on this network. Default: the MTU of the node's " +
          'uplink minus 50 (the VXLAN overhead), decided by each node agent.',
        minimum: MTU_MIN,
        maximum: MTU_MAX,
      }),
    ),
    ipMasq: Type.Optional(
      Type.Boolean({
        description:
          "Masquerade traffic from this network to destinations outside it (flanneld's --ip-masq). Default true.",
        default: true,
      }),
    ),
    etcdPrefix: Type.Optional(
      Type.String({
        description:
          "etcd key prefix that holds this network's flannel config (<prefix>/config) and leases " +
          '(<prefix>/subnets/). Default /plexus.dev/networks/<name>. Set it to share a network with an upstream ' +
          'flanneld (e.g. /k8s/network2). Absolute, without a trailing slash, and without "." or ".." ' +
          'segments (flannel would clean them away). Immutable.',
        maxLength: ETCD_PREFIX_MAX_LENGTH,
        pattern: ETCD_PREFIX_PATTERN,
      }),
    ),
    nodeSelector: Type.Optional(
      labelSelectorSchema(
        'Nodes that join this network (get a subnet and a VXLAN device). All nodes when omitted.',
      ),
    ),
    attachment: Type.Optional(OverlayAttachmentSchema),
  },
  {
    description:
      "The desired overlay network: flannel's network config plus where it is available.",
    'x-kubernetes-validations': [
      {
        rule: `!has(self.subnetLen) || !isCIDR(self.network) || self.subnetLen >= ${prefixOf('self')} + 2`,
        message:
          'spec.subnetLen must be at least the prefix length of spec.network + 2 (room for four subnets)',
        fieldPath: '.subnetLen',
        reason: 'FieldValueInvalid',
      },
      ...boundRules('subnetMin'),
      ...boundRules('subnetMax'),
      {
        rule: '!has(oldSelf.subnetLen) || (has(self.subnetLen) && self.subnetLen == oldSelf.subnetLen)',
        message:
          'spec.subnetLen is immutable once set: leases have this size; create a new OverlayNetwork and move workloads to it',
        fieldPath: '.subnetLen',
        reason: 'FieldValueForbidden',
      },
    ] satisfies CelRule[],
  },
);

const OverlayNetworkStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(
      Type.Integer({
        description: 'The .metadata.generation this status was computed from.',
        minimum: 0,
        format: 'int64',
      }),
    ),
    etcdPrefix: Type.Optional(
      Type.String({
        description: 'The etcd prefix in use (spec.etcdPrefix or its default).',
        maxLength: ETCD_PREFIX_MAX_LENGTH,
      }),
    ),
    subnets: Type.Optional(
      Type.Object(
        {
          capacity: Type.Integer({
            description: 'Number of subnets that can be leased (from subnetMin to subnetMax).',
            minimum: 0,
            format: 'int64',
          }),
          allocated: Type.Integer({
            description:
              'Number of subnets leased now. While it is above zero spec.network may only grow and subnetLen may not change.',
            minimum: 0,
            format: 'int64',
          }),
        },
        { description: 'Subnet lease usage.' },
      ),
    ),
    nads: Type.Optional(
      Type.Object(
        {
          generated: Type.Integer({
            description:
              'NetworkAttachmentDefinitions the operator generated for this network (one per attached namespace).',
            minimum: 0,
            format: 'int64',
          }),
          total: Type.Integer({
            description:
              'All NetworkAttachmentDefinitions whose config attaches to this network (generated and user-written).',
            minimum: 0,
            format: 'int64',
          }),
        },
        { description: 'The NetworkAttachmentDefinitions that use this network.' },
      ),
    ),
    conditions: Type.Optional(ConditionsSchema),
  },
  {
    description:
      'What the operator observed: lease usage, the NADs using the network and conditions (Ready, Degraded, SubnetsExhausted).',
  },
);

/** Root rules: they need the name (for the default etcd prefix) or the lease
 * count in status, which only the root can see. */
const ROOT_RULES: CelRule[] = [
  {
    rule: `self.metadata.name.size() <= 63 && self.metadata.name.matches('${DNS1123_LABEL_PATTERN}')`,
    message:
      'metadata.name must be a DNS-1123 label (lower-case letters, digits and "-", at most 63): the generated NetworkAttachmentDefinitions carry it',
    reason: 'FieldValueInvalid',
  },
  {
    rule:
      `!(${leasesExist}) || self.spec.network == oldSelf.spec.network || ` +
      '(isCIDR(self.spec.network) && isCIDR(oldSelf.spec.network) && cidr(self.spec.network).containsCIDR(oldSelf.spec.network))',
    message:
      'spec.network may only grow to a network that contains the old one while subnets are leased (status.subnets.allocated > 0): ' +
      'keep the old network or a superset of it, or create a new OverlayNetwork and move workloads to it',
    fieldPath: '.spec.network',
    reason: 'FieldValueForbidden',
  },
  {
    rule:
      `!(${leasesExist}) || !isCIDR(self.spec.network) || !isCIDR(oldSelf.spec.network) || ` +
      `${effectiveSubnetLen('self.spec')} == ${effectiveSubnetLen('oldSelf.spec')}`,
    message:
      'the subnet length may not change while subnets are leased: this network change would change the default subnetLen; ' +
      'set spec.subnetLen to the current length explicitly',
    fieldPath: '.spec.subnetLen',
    reason: 'FieldValueForbidden',
  },
  {
    rule: `${effectiveEtcdPrefix('self')} == ${effectiveEtcdPrefix('oldSelf')}`,
    message:
      'spec.etcdPrefix is immutable (its default is /plexus.dev/networks/<name>): the config and leases live under it; ' +
      'create a new OverlayNetwork instead',
    fieldPath: '.spec.etcdPrefix',
    reason: 'FieldValueForbidden',
  },
];

export const OverlayNetworkSchema = Type.Object(
  {
    apiVersion: Type.String({
      description: 'APIVersion defines the versioned schema of this representation of an object.',
    }),
    kind: Type.String({
      description: 'Kind is a string value representing the REST resource this object represents.',
    }),
    metadata: Type.Object({}, { description: 'Standard object metadata.' }),
    spec: OverlayNetworkSpecSchema,
    status: Type.Optional(OverlayNetworkStatusSchema),
  },
  {
    description:
      'OverlayNetwork is a flannel-compatible VXLAN overlay network that selected nodes join and pods attach to as an ' +
      'additional interface (through a generated NetworkAttachmentDefinition).',
    'x-kubernetes-validations': ROOT_RULES,
  },
);

export type OverlayNetworkSpec = Static<typeof OverlayNetworkSpecSchema>;
export type OverlayNetworkStatus = Static<typeof OverlayNetworkStatusSchema>;
export type OverlayBackend = Static<typeof OverlayBackendSchema>;
/** The schema's type, with the metadata the code reads (the schema leaves metadata to the API server). */
export type OverlayNetwork = Omit<Static<typeof OverlayNetworkSchema>, 'metadata'> & {
  metadata: ObjectMeta & { name: string; creationTimestamp?: string };
};

export const OVERLAY_NETWORK_PRINTER_COLUMNS: readonly PrinterColumn[] = [
  {
    name: 'Network',
    type: 'string',
    jsonPath: '.spec.network',
    description: 'The overlay network CIDR.',
  },
  {
    name: 'VNI',
    type: 'integer',
    jsonPath: '.spec.backend.vni',
    description: 'The VXLAN Network Identifier.',
  },
  {
    name: 'Allocated',
    type: 'integer',
    jsonPath: '.status.subnets.allocated',
    description: 'Subnets leased now.',
  },
  {
    name: 'Capacity',
    type: 'integer',
    jsonPath: '.status.subnets.capacity',
    description: 'Subnets that can be leased.',
  },
  {
    name: 'NADs',
    type: 'integer',
    jsonPath: '.status.nads.total',
    description: 'NetworkAttachmentDefinitions that use the network.',
  },
  {
    name: 'Ready',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Ready")].status',
    description: 'Whether the network is ready.',
  },
  {
    name: 'Age',
    type: 'date',
    jsonPath: '.metadata.creationTimestamp',
    description: 'Time since creation.',
  },
];
