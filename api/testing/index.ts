// Fixtures for tests and benchmarks (never imported by the running parts).

// A realistic 4-element networks annotation and its pod namespace (benchmarks).
export { BENCH_NETWORKS_ANNOTATION, BENCH_POD_NAMESPACE } from './bench-input.ts';
// Valid NAD configs as people write them (examples/, benchmarks, tests).
export { CNI_CONFIG_EXAMPLES } from './cni-examples.ts';
export type { CniConfigExample } from './cni-examples.ts';
// Builders for NAD config checks and OverlayNetwork objects in tests.
export { single, list, errorFields, warningFields, HOST_LOCAL } from './nad-config.ts';
export { overlay, resolved } from './overlay.ts';
