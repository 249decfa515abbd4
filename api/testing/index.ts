// Fixtures for tests and benchmarks (never imported by the running parts).

// A realistic 4-element networks annotation and its pod namespace (benchmarks).
export { BENCH_NETWORKS_ANNOTATION, BENCH_POD_NAMESPACE } from './bench-input.ts';
// Valid NAD configs as people write them (examples/, benchmarks, tests).
export { CNI_CONFIG_EXAMPLES } from './cni-examples.ts';
// One NAD config example: its NAD name, what it shows, the config text.
export type { CniConfigExample } from './cni-examples.ts';
// Build a one-plugin or list config and check it; the fields of its errors and warnings.
export { single, list, errorFields, warningFields, HOST_LOCAL } from './nad-config.ts';
// Build an OverlayNetwork object, and resolve one that must be valid.
export { overlay, resolved } from './overlay.ts';
