// Schema pieces shared by Plexus resources. Each schema is a TypeBox object:
// the same value gives the TypeScript type (Static<>), the ajv validator and,
// through api/crd/, the CRD's openAPIV3Schema. Keep every node structural
// (a `type` everywhere, no anyOf/oneOf) and give every field a description:
// `kubectl explain` prints them.
import { Type, type Static } from '@sinclair/typebox';

export {
  PLEXUS_GROUP,
  PLEXUS_VERSION,
  PLEXUS_API_VERSION,
  PLEXUS_CATEGORY,
} from './plexus-group.ts';

/** Strict dotted quad: no leading zeros, as CEL's ip()/cidr() and the kernel read it. */
const IPV4 =
  '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}';
export const IPV4_PATTERN = `^${IPV4}$`;
export const IPV4_CIDR_PATTERN = `^${IPV4}/([0-9]|[12][0-9]|3[0-2])$`;

/** Standard metav1.Condition, as `kubectl wait --for=condition=Ready` expects. */
export const ConditionSchema = Type.Object(
  {
    type: Type.String({
      description: 'Type of condition in CamelCase, e.g. Ready.',
      maxLength: 316,
    }),
    status: Type.String({
      description: 'Status of the condition: True, False or Unknown.',
      enum: ['True', 'False', 'Unknown'],
    }),
    observedGeneration: Type.Optional(
      Type.Integer({
        description: 'The .metadata.generation the condition was set from.',
        minimum: 0,
        format: 'int64',
      }),
    ),
    lastTransitionTime: Type.String({
      description: 'Last time the condition changed from one status to another.',
      format: 'date-time',
    }),
    reason: Type.String({
      description: 'Programmatic identifier for the last transition, in CamelCase.',
      maxLength: 1024,
      minLength: 1,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: Type.String({
      description: 'Human-readable details about the last transition.',
      maxLength: 32768,
    }),
  },
  { description: 'A condition in the standard Kubernetes form (metav1.Condition).' },
);
export type Condition = Static<typeof ConditionSchema>;

export const ConditionsSchema = Type.Array(ConditionSchema, {
  description: 'Current state of the object as standard conditions, one per type.',
  maxItems: 16,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
});

const LabelSelectorRequirementSchema = Type.Object(
  {
    key: Type.String({ description: 'The label key the selector applies to.' }),
    operator: Type.String({
      description: 'How the key relates to the values: In, NotIn, Exists or DoesNotExist.',
      enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'],
    }),
    values: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'Values for In and NotIn (non-empty); must be empty for Exists and DoesNotExist.',
      }),
    ),
  },
  { description: 'A label selector requirement: a key, an operator and values.' },
);

/** metav1.LabelSelector. */
export function labelSelectorSchema(description: string) {
  return Type.Object(
    {
      matchLabels: Type.Optional(
        Type.Record(Type.String(), Type.String(), {
          description: 'Labels that must all be present with these values.',
        }),
      ),
      matchExpressions: Type.Optional(
        Type.Array(LabelSelectorRequirementSchema, {
          description: 'Requirements that must all be met.',
        }),
      ),
    },
    { description },
  );
}
export type LabelSelector = Static<ReturnType<typeof labelSelectorSchema>>;

/** The part of metav1.ObjectMeta the validators read. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  generation?: number;
  resourceVersion?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A CRD additionalPrinterColumns entry (what `kubectl get` shows). */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
}
