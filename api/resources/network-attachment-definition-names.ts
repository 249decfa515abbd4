// NetworkAttachmentDefinition's group, kind and names, and the label on the NADs Plexus
// generates, apart from its TypeBox schema: the checks the webhook runs read them without
// loading TypeBox. network-attachment-definition.ts re-exports them.

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
