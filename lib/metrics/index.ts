// Prometheus metrics: a registry per running part and controller-runtime's metric families.
/** createRegistry({defaultMetrics?, labels?}): a prom-client Registry with process/Node.js metrics. */
export { createRegistry } from './registry.ts';
/** RegistryOptions: createRegistry's options. */
export type { RegistryOptions } from './registry.ts';
/** controllerMetrics / workqueueMetrics / leaderElectionMetrics / webhookMetrics(registry): each family set, once per registry. */
export {
  controllerMetrics,
  workqueueMetrics,
  leaderElectionMetrics,
  webhookMetrics,
  initWebhookSeries,
  RECONCILE_TIME_BUCKETS,
  LATENCY_BUCKETS,
} from './controller-runtime.ts';
/** The family sets' shapes. */
export type {
  ControllerMetrics,
  WorkqueueMetrics,
  LeaderElectionMetrics,
  WebhookMetrics,
} from './controller-runtime.ts';
/** prom-client's Registry and metric classes (loaded without its index: see prom.ts), for the
 * parts' own metrics. */
export { Registry, Counter, Gauge, Histogram } from './prom.ts';
