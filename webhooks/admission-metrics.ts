// controller-runtime's webhook metrics, kept cheap on the request path: the in-flight gauge and
// the request counter are plain numbers per route, written into the prom-client families only
// when they are scraped (flush); the latency goes straight into the histogram. A per-request
// gauge inc/dec and a two-label counter inc cost a label hash and validation each.
import { initWebhookSeries } from '../lib/metrics/index.ts';
import type { WebhookMetrics } from '../lib/metrics/index.ts';

/** One route's counters: begin() when a review starts, end() with its HTTP code when it ends. */
export class RouteMetrics {
  readonly webhook: string;
  inFlight = 0;
  private readonly labels: { webhook: string };
  private readonly latency: WebhookMetrics['latency'];
  /** Requests by HTTP code, and how many of those the counter already has. */
  readonly codes = new Map<number, { total: number; flushed: number }>();

  constructor(webhook: string, metrics: WebhookMetrics) {
    this.webhook = webhook;
    this.labels = { webhook };
    this.latency = metrics.latency;
  }

  begin(): number {
    this.inFlight++;
    return performance.now();
  }

  end(started: number, code: number): void {
    this.inFlight--;
    this.latency.observe(this.labels, (performance.now() - started) / 1000);
    const c = this.codes.get(code);
    if (c === undefined) this.codes.set(code, { total: 1, flushed: 0 });
    else c.total++;
  }
}

export class AdmissionMetrics {
  private readonly metrics: WebhookMetrics;
  private readonly routes: RouteMetrics[] = [];

  constructor(metrics: WebhookMetrics) {
    this.metrics = metrics;
  }

  /** The counters of one route; its likely codes show at 0 from the start, as controller-runtime's. */
  route(webhook: string): RouteMetrics {
    initWebhookSeries(this.metrics, webhook);
    const r = new RouteMetrics(webhook, this.metrics);
    this.routes.push(r);
    return r;
  }

  /** Writes the counters into the prom-client families; call before each scrape. */
  flush(): void {
    for (const r of this.routes) {
      this.metrics.inFlight.set({ webhook: r.webhook }, r.inFlight);
      for (const [code, c] of r.codes) {
        if (c.total === c.flushed) continue;
        this.metrics.requestsTotal.inc(
          { webhook: r.webhook, code: String(code) },
          c.total - c.flushed,
        );
        c.flushed = c.total;
      }
    }
  }
}
