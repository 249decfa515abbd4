// CRDs generated from the schemas in api/resources, what scripts and tests may use.

// File name → YAML text of every CRD Plexus installs, and the sources they come from.
export { renderedCrdFiles, CRD_SOURCES } from './sources.ts';
// One CRD object from one source, its YAML, and the schema conversion behind it.
export { buildCrd, renderCrdYaml, toStructuralSchema } from './build.ts';
// What describes one CRD, and a node of an OpenAPI schema.
export type { CrdSource, JsonSchemaNode } from './build.ts';
