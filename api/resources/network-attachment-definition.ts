// NetworkAttachmentDefinition, exactly as the NPWG multi-network spec v1.3
// defines it (k8s.cni.cncf.io/v1, namespaced, one string field spec.config),
// so a NAD written for Multus works unchanged with Plexus and the other way
// round. We install the same CRD Multus installs; nothing Plexus-specific
// (no category, no extra fields) goes into it.
import { Type, type Static } from '@sinclair/typebox';

export const NAD_GROUP = 'k8s.cni.cncf.io';
export const NAD_VERSION = 'v1';
export const NAD_API_VERSION = `${NAD_GROUP}/${NAD_VERSION}`;
export const NAD_KIND = 'NetworkAttachmentDefinition';
export const NAD_PLURAL = 'network-attachment-definitions';
export const NAD_SINGULAR = 'network-attachment-definition';
export const NAD_SHORT_NAMES = ['net-attach-def'];

/** Label the operator puts on the NADs it generates for OverlayNetworks. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'plexus';

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
