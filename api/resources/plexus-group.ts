// The plexus.dev API group and version, apart from the TypeBox schema pieces in common.ts, so
// that the checks can name them without loading TypeBox.
export const PLEXUS_GROUP = 'plexus.dev';
export const PLEXUS_VERSION = 'v1alpha1';
export const PLEXUS_API_VERSION = `${PLEXUS_GROUP}/${PLEXUS_VERSION}`;
export const PLEXUS_CATEGORY = 'plexus';
