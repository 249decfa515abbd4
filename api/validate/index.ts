// Offline validation of a manifest set, what the CLI may use.

// Validate the documents of a set: each object, the references between them,
// and the OverlayNetworks against each other and the cluster's CIDRs.
export { validateManifests } from './manifests.ts';
// A document as read, the report of one object and of the set, and the options.
export type {
  ManifestDocument,
  ManifestSetReport,
  ObjectReport,
  ValidateOptions,
} from './manifests.ts';
// The caps on findings per object and per set, and the field of the findings that count the rest.
export { MAX_FINDINGS_PER_OBJECT, MAX_FINDINGS_TOTAL, LEFT_OUT_FIELD } from './caps.ts';
