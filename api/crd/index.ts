// CRDs generated from the schemas in api/resources, what scripts and tests may use.

// File name → YAML text of every CRD Plexus installs (scripts/gen-crds.ts writes them).
export { renderedCrdFiles, CRD_SOURCES } from './sources.ts';
// One CRD object from one source, and the schema conversion behind it.
export { buildCrd, renderCrdYaml, toStructuralSchema } from './build.ts';
export type { CrdSource, JsonSchemaNode } from './build.ts';
