// The families carry controller-runtime's exact names, types, labels, help texts and buckets, are
// created once per registry, and registries stay independent.
import { describe, expect, it } from 'vitest';
import { createRegistry } from './registry.ts';
import {
  controllerMetrics,
  leaderElectionMetrics,
  webhookMetrics,
  workqueueMetrics,
  initWebhookSeries,
  LATENCY_BUCKETS,
} from './controller-runtime.ts';

// name → [type, labels], as sigs.k8s.io/controller-runtime registers them.
const EXPECTED: Record<string, [string, string[]]> = {
  controller_runtime_reconcile_total: ['counter', ['controller', 'result']],
  controller_runtime_reconcile_errors_total: ['counter', ['controller']],
  controller_runtime_terminal_reconcile_errors_total: ['counter', ['controller']],
  controller_runtime_reconcile_panics_total: ['counter', ['controller']],
  controller_runtime_reconcile_timeouts_total: ['counter', ['controller']],
  controller_runtime_reconcile_time_seconds: ['histogram', ['controller']],
  controller_runtime_max_concurrent_reconciles: ['gauge', ['controller']],
  controller_runtime_active_workers: ['gauge', ['controller']],
  workqueue_depth: ['gauge', ['name', 'controller', 'priority']],
  workqueue_adds_total: ['counter', ['name', 'controller']],
  workqueue_queue_duration_seconds: ['histogram', ['name', 'controller']],
  workqueue_work_duration_seconds: ['histogram', ['name', 'controller']],
  workqueue_unfinished_work_seconds: ['gauge', ['name', 'controller']],
  workqueue_longest_running_processor_seconds: ['gauge', ['name', 'controller']],
  workqueue_retries_total: ['counter', ['name', 'controller']],
  leader_election_master_status: ['gauge', ['name']],
  leader_election_slowpath_total: ['counter', ['name']],
  controller_runtime_webhook_requests_total: ['counter', ['webhook', 'code']],
  controller_runtime_webhook_latency_seconds: ['histogram', ['webhook']],
  controller_runtime_webhook_requests_in_flight: ['gauge', ['webhook']],
};

function allFamilies(): ReturnType<typeof createRegistry> {
  const registry = createRegistry({ defaultMetrics: false });
  controllerMetrics(registry);
  workqueueMetrics(registry);
  leaderElectionMetrics(registry);
  webhookMetrics(registry);
  return registry;
}

describe('controller-runtime metric families', () => {
  it('have the exact names, types and labels', async () => {
    const registry = allFamilies();
    const got = Object.fromEntries(
      (await registry.getMetricsAsJSON()).map((m) => {
        const inner = registry.getSingleMetric(m.name) as unknown as { labelNames: string[] };
        return [m.name, [m.type, inner.labelNames]];
      }),
    );
    expect(got).toEqual(EXPECTED);
  });

  it('have the help texts and buckets of controller-runtime', async () => {
    const registry = allFamilies();
    const text = await registry.metrics();
    expect(text).toContain(
      '# HELP controller_runtime_reconcile_total Total number of reconciliations per controller',
    );
    expect(text).toContain(
      "# HELP leader_election_master_status Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.",
    );
    expect(text).toContain(
      '# HELP workqueue_queue_duration_seconds How long in seconds an item stays in workqueue before being requested',
    );
    // ExponentialBuckets(10e-9, 10, 12): 1e-8 … 1e3.
    expect(LATENCY_BUCKETS).toHaveLength(12);
    expect(LATENCY_BUCKETS[0]).toBe(1e-8);
    expect(LATENCY_BUCKETS[11]).toBeCloseTo(1000, 9);
    const c = controllerMetrics(registry);
    c.reconcileTime.observe({ controller: 'x' }, 0.2);
    const text2 = await registry.metrics();
    expect(text2).toContain(
      'controller_runtime_reconcile_time_seconds_bucket{le="0.005",controller="x"} 0',
    );
    expect(text2).toContain(
      'controller_runtime_reconcile_time_seconds_bucket{le="60",controller="x"} 1',
    );
  });

  it('are created once per registry; registries are independent', async () => {
    const a = createRegistry({ defaultMetrics: false });
    const b = createRegistry({ defaultMetrics: false });
    expect(workqueueMetrics(a)).toBe(workqueueMetrics(a));
    expect(workqueueMetrics(b)).not.toBe(workqueueMetrics(a));
    workqueueMetrics(a).adds.inc({ name: 'q', controller: 'q' });
    expect(await a.metrics()).toContain('workqueue_adds_total{name="q",controller="q"} 1');
    expect(await b.metrics()).not.toContain('workqueue_adds_total{name="q"');
  });

  it('initWebhookSeries makes the likely codes visible at 0, as controller-runtime does', async () => {
    const registry = createRegistry({ defaultMetrics: false });
    initWebhookSeries(webhookMetrics(registry), '/validate/pods');
    const text = await registry.metrics();
    expect(text).toContain(
      'controller_runtime_webhook_requests_total{webhook="/validate/pods",code="200"} 0',
    );
    expect(text).toContain(
      'controller_runtime_webhook_requests_in_flight{webhook="/validate/pods"} 0',
    );
  });
});

describe('createRegistry', () => {
  it('adds process and Node.js default metrics and default labels', async () => {
    const registry = createRegistry({ labels: { component: 'test' } });
    const text = await registry.metrics();
    expect(text).toMatch(/^process_resident_memory_bytes\{component="test"\} \d+/m);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('process_open_fds');
  });

  it('has the families collectDefaultMetrics registers, process CPU included, and counts CPU', async () => {
    const { Registry: FullRegistry, collectDefaultMetrics } = await import('prom-client');
    const full = new FullRegistry();
    collectDefaultMetrics({ register: full });
    const names = async (r: { getMetricsAsJSON(): Promise<{ name: string }[]> }) =>
      (await r.getMetricsAsJSON()).map((m) => m.name).sort();
    const registry = createRegistry();
    expect(await names(registry)).toEqual(await names(full));
    // As on a scrape: the whole registry is collected (one collect sets the three CPU counters).
    const cpu = async (): Promise<number> =>
      Number(/^process_cpu_seconds_total (\S+)$/m.exec(await registry.metrics())?.[1] ?? -1);
    const before = await cpu();
    const until = process.cpuUsage().user + 20_000;
    while (process.cpuUsage().user < until); // 20 ms of user CPU
    expect(await cpu()).toBeGreaterThanOrEqual(before + 0.015);
  });
});
