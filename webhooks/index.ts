// The admission webhooks, what cli/ and devcluster/ may use.

// Start the server (caches, HTTPS routes, health and metrics), its options and handle.
export { startWebhookServer, DEFAULT_MAX_REVIEW_BYTES } from './server.ts';
export type { WebhookServer, WebhookServerOptions } from './server.ts';
// The pod policy (namespace isolation, global namespaces, interface names).
export type { PodPolicy } from './handlers/pod-handler.ts';
// The ValidatingWebhookConfiguration (CEL filters, Fail, kube-system excluded) for a URL or a Service.
export {
  webhookConfiguration,
  WEBHOOK_CONFIGURATION_NAME,
  DEFAULT_TIMEOUT_SECONDS,
} from './registration.ts';
export type { RegistrationOptions, WebhookTarget } from './registration.ts';
// The configuration's resource type and shape, and caBundle kept in step with a CA bundle.
export { VALIDATING_WEBHOOK_CONFIGURATIONS, syncCaBundle } from './certs/ca-bundle.ts';
export type { ValidatingWebhookConfiguration } from './certs/ca-bundle.ts';
// Certificates bootstrapped into a Secret shared by the replicas; the Service's DNS names.
export { CertBootstrap, serviceNames, CERT_FILE, KEY_FILE } from './certs/secret-bootstrap.ts';
export type { CertBootstrapOptions, CertMaterial } from './certs/secret-bootstrap.ts';
// A CA and a serving certificate it signs (ECDSA P-256), as PEM.
export { createCa, issueServingCert } from './certs/issue.ts';
export type { CertAndKey } from './certs/issue.ts';
// The CEL matchConditions and the relevant-annotation rule they mirror.
export { POD_MATCH_CEL, WORKLOAD_MATCH_CEL, isRelevantKey } from './relevant-annotations.ts';
// The NAD cache with one GET on a miss (the pod checks' source), and the OverlayNetwork cache.
export { NadDirectory, LookupError, MAX_MISSES_PER_REVIEW } from './nad-lookup.ts';
export { OverlayDirectory } from './overlay-directory.ts';
