// NetworkAttachmentDefinition, exactly as the NPWG multi-network spec v1.3
// defines it (k8s.cni.cncf.io/v1, namespaced, one string field spec.config),
// so a NAD written for Multus works unchanged with Plexus and the other way
// round. We install the same CRD Multus installs; nothing Plexus-specific
// (no category, no extra fields) goes into it.
import { Type, type Static } from '@sinclair/typebox';

import type { NAD_API_VERSION, NAD_KIND } from './network-attachment-definition-names.ts';

// Names and the generated-NAD label live apart from the schema (the checks read them without
// TypeBox).
export {
  NAD_GROUP,
  NAD_VERSION,
  NAD_API_VERSION,
  NAD_KIND,
  NAD_PLURAL,
  NAD_SINGULAR,
  NAD_SHORT_NAMES,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from './network-attachment-definition-names.ts';

const NetworkAttachmentDefinitionSpecSchema = Type.Object(
  {
    config: Type.Optional(
      Type.String({
        description:
          'NetworkAttachmentDefinition config is a JSON-formatted CNI configuration (a single plugin or a conflist). ' +
          'When empty, the configuration is read from a file of the same name in the CNI config directory.',
      }),
    ),
  },
  {
    description:
      'NetworkAttachmentDefinition spec defines the desired state of a network attachment.',
  },
);

export const NetworkAttachmentDefinitionSchema = Type.Object(
  {
    apiVersion: Type.String({
      description: 'APIVersion defines the versioned schema of this representation of an object.',
    }),
    kind: Type.String({
      description: 'Kind is a string value representing the REST resource this object represents.',
    }),
    metadata: Type.Object({}, { description: 'Standard object metadata.' }),
    spec: Type.Optional(NetworkAttachmentDefinitionSpecSchema),
  },
  {
    description:
      'NetworkAttachmentDefinition is a CRD schema specified by the Network Plumbing Working Group to express the intent for attaching pods to one or more logical or physical networks.',
  },
);

export type NetworkAttachmentDefinitionSpec = Static<typeof NetworkAttachmentDefinitionSpecSchema>;
export interface NetworkAttachmentDefinition {
  apiVersion: typeof NAD_API_VERSION;
  kind: typeof NAD_KIND;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: NetworkAttachmentDefinitionSpec;
}
