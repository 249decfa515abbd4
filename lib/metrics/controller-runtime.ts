// The metric families of controller-runtime (sigs.k8s.io/controller-runtime), with its names,
// help texts, labels and buckets, so dashboards and alerts written for Go operators work on ours.
// Each family set is created once per registry; asking again returns the same objects.
import { Counter, Gauge, Histogram, exponentialBuckets } from './prom.ts';
import type { Registry } from './prom.ts';

// pkg/internal/controller/metrics: ReconcileTime's buckets.
export const RECONCILE_TIME_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9,
  1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
// prometheus.ExponentialBuckets(10e-9, 10, 12): 10 ns … 1000 s, for workqueue and webhook latency.
export const LATENCY_BUCKETS: readonly number[] = exponentialBuckets(10e-9, 10, 12);

export interface ControllerMetrics {
  /** controller_runtime_reconcile_total{controller,result}; result: success|error|requeue|requeue_after. */
  reconcileTotal: Counter<'controller' | 'result'>;
  reconcileErrors: Counter<'controller'>;
  terminalReconcileErrors: Counter<'controller'>;
  reconcilePanics: Counter<'controller'>;
  reconcileTimeouts: Counter<'controller'>;
  reconcileTime: Histogram<'controller'>;
  maxConcurrentReconciles: Gauge<'controller'>;
  activeWorkers: Gauge<'controller'>;
}

export interface WorkqueueMetrics {
  /** workqueue_depth{name,controller,priority}; controller-runtime sets controller = name, priority = "". */
  depth: Gauge<'name' | 'controller' | 'priority'>;
  adds: Counter<'name' | 'controller'>;
  queueDuration: Histogram<'name' | 'controller'>;
  workDuration: Histogram<'name' | 'controller'>;
  unfinishedWork: Gauge<'name' | 'controller'>;
  longestRunningProcessor: Gauge<'name' | 'controller'>;
  retries: Counter<'name' | 'controller'>;
}

export interface LeaderElectionMetrics {
  /** leader_election_master_status{name}: 1 while this process holds the lease, else 0. */
  masterStatus: Gauge<'name'>;
  slowpathTotal: Counter<'name'>;
}

export interface WebhookMetrics {
  requestsTotal: Counter<'webhook' | 'code'>;
  latency: Histogram<'webhook'>;
  inFlight: Gauge<'webhook'>;
}

type Families = {
  controller?: ControllerMetrics;
  workqueue?: WorkqueueMetrics;
  leaderElection?: LeaderElectionMetrics;
  webhook?: WebhookMetrics;
};
const byRegistry = new WeakMap<Registry, Families>();

function families(registry: Registry): Families {
  let f = byRegistry.get(registry);
  if (!f) byRegistry.set(registry, (f = {}));
  return f;
}

export function controllerMetrics(registry: Registry): ControllerMetrics {
  const f = families(registry);
  const r = [registry];
  const perController = (name: string, help: string): Counter<'controller'> =>
    new Counter({ name, help, labelNames: ['controller'], registers: r });
  f.controller ??= {
    reconcileTotal: new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers: r,
    }),
    reconcileErrors: perController(
      'controller_runtime_reconcile_errors_total',
      'Total number of reconciliation errors per controller',
    ),
    terminalReconcileErrors: perController(
      'controller_runtime_terminal_reconcile_errors_total',
      'Total number of terminal reconciliation errors per controller',
    ),
    reconcilePanics: perController(
      'controller_runtime_reconcile_panics_total',
      'Total number of reconciliation panics per controller',
    ),
    reconcileTimeouts: perController(
      'controller_runtime_reconcile_timeouts_total',
      'Total number of reconciliation timeouts per controller',
    ),
    reconcileTime: new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: [...RECONCILE_TIME_BUCKETS],
      registers: r,
    }),
    maxConcurrentReconciles: new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: ['controller'],
      registers: r,
    }),
    activeWorkers: new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames: ['controller'],
      registers: r,
    }),
  };
  return f.controller;
}

export function workqueueMetrics(registry: Registry): WorkqueueMetrics {
  const f = families(registry);
  const r = [registry];
  const labelNames = ['name', 'controller'] as const;
  const latency = (name: string, help: string): Histogram<'name' | 'controller'> =>
    new Histogram({ name, help, labelNames, buckets: [...LATENCY_BUCKETS], registers: r });
  f.workqueue ??= {
    depth: new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of workqueue by workqueue and priority',
      labelNames: ['name', 'controller', 'priority'],
      registers: r,
    }),
    adds: new Counter({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by workqueue',
      labelNames,
      registers: r,
    }),
    queueDuration: latency(
      'workqueue_queue_duration_seconds',
      'How long in seconds an item stays in workqueue before being requested',
    ),
    workDuration: latency(
      'workqueue_work_duration_seconds',
      'How long in seconds processing an item from workqueue takes.',
    ),
    unfinishedWork: new Gauge({
      name: 'workqueue_unfinished_work_seconds',
      help:
        "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. " +
        'Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.',
      labelNames,
      registers: r,
    }),
    longestRunningProcessor: new Gauge({
      name: 'workqueue_longest_running_processor_seconds',
      help: 'How many seconds has the longest running processor for workqueue been running.',
      labelNames,
      registers: r,
    }),
    retries: new Counter({
      name: 'workqueue_retries_total',
      help: 'Total number of items added to the workqueue with a non-zero delay (rate-limited requeues, explicit RequeueAfter or AddAfter calls)',
      labelNames,
      registers: r,
    }),
  };
  return f.workqueue;
}

export function leaderElectionMetrics(registry: Registry): LeaderElectionMetrics {
  const f = families(registry);
  const about =
    "'name' is the string used to identify the lease. Please make sure to group by name.";
  f.leaderElection ??= {
    masterStatus: new Gauge({
      name: 'leader_election_master_status',
      help: `Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. ${about}`,
      labelNames: ['name'],
      registers: [registry],
    }),
    slowpathTotal: new Counter({
      name: 'leader_election_slowpath_total',
      help: `Total number of slow path exercised in renewing leader leases. ${about}`,
      labelNames: ['name'],
      registers: [registry],
    }),
  };
  return f.leaderElection;
}

export function webhookMetrics(registry: Registry): WebhookMetrics {
  const f = families(registry);
  f.webhook ??= {
    requestsTotal: new Counter({
      name: 'controller_runtime_webhook_requests_total',
      help: 'Total number of admission requests by HTTP status code.',
      labelNames: ['webhook', 'code'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'controller_runtime_webhook_latency_seconds',
      help: 'Histogram of the latency of processing admission requests',
      labelNames: ['webhook'],
      buckets: [...LATENCY_BUCKETS],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'controller_runtime_webhook_requests_in_flight',
      help: 'Current number of admission requests being served.',
      labelNames: ['webhook'],
      registers: [registry],
    }),
  };
  return f.webhook;
}

/** What controller-runtime does per webhook path: the likely codes exist at 0 before any request. */
export function initWebhookSeries(metrics: WebhookMetrics, webhook: string): void {
  for (const code of ['200', '500']) metrics.requestsTotal.inc({ webhook, code }, 0);
  metrics.inFlight.set({ webhook }, 0);
}
