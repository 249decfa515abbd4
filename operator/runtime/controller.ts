// A controller: a work queue of object keys and N workers that reconcile them,
// level-triggered (a reconcile reads the current state, never an event) and
// with controller-runtime's outcomes and metrics:
//   success        forget the key's backoff
//   requeueAfter   come back after that long (backoff forgotten)
//   requeue        come back after the rate limiter's delay
//   error          log it, count it, come back after the rate limiter's delay
//   TerminalError  log it, count it, do not come back until the object changes
import type { Registry } from 'prom-client';
import type { Logger } from '../../lib/log/index.ts';
import { controllerMetrics } from '../../lib/metrics/index.ts';
import type { ControllerMetrics } from '../../lib/metrics/index.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { WorkQueue } from './work-queue.ts';

/** What a reconcile may ask for; nothing means done. */
export interface ReconcileResult {
  /** Reconcile again after this many ms (e.g. to wait for something outside the cluster). */
  requeueAfterMs?: number;
  /** Reconcile again after the rate limiter's delay, without counting an error. */
  requeue?: boolean;
}

export type Reconciler = (key: string, signal: AbortSignal) => Promise<ReconcileResult | void>;

/** An error that retrying cannot fix (the object must change first). */
export class TerminalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TerminalError';
  }
}

export interface ControllerOptions {
  name: string;
  reconcile: Reconciler;
  /** Concurrent reconciles (never two of one key); default 1. */
  workers?: number;
  registry?: Registry;
  logger?: Logger;
  rateLimiter?: RateLimiter;
  /** Workers wait for this before taking each key (e.g. until other work has settled). */
  gate?: () => Promise<void>;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly opts: ControllerOptions;
  private readonly metrics: ControllerMetrics | undefined;
  private readonly abort = new AbortController();
  private workers: Promise<void>[] = [];

  constructor(opts: ControllerOptions) {
    this.opts = opts;
    this.name = opts.name;
    this.queue = new WorkQueue({
      name: opts.name,
      registry: opts.registry,
      ...(opts.rateLimiter ? { rateLimiter: opts.rateLimiter } : {}),
    });
    this.metrics = opts.registry ? controllerMetrics(opts.registry) : undefined;
    if (this.metrics) {
      const c = { controller: this.name };
      // controller-runtime initialises every series at 0, so rate() works from the start.
      for (const result of ['success', 'error', 'requeue', 'requeue_after'])
        this.metrics.reconcileTotal.inc({ ...c, result }, 0);
      this.metrics.reconcileErrors.inc(c, 0);
      this.metrics.terminalReconcileErrors.inc(c, 0);
      this.metrics.reconcilePanics.inc(c, 0);
      this.metrics.activeWorkers.set(c, 0);
    }
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  enqueueAfter(key: string, delayMs: number): void {
    this.queue.addAfter(key, delayMs);
  }

  /** Starts the workers; keys added before are processed too. */
  start(): void {
    if (this.workers.length > 0) return;
    const n = Math.max(1, this.opts.workers ?? 1);
    this.metrics?.maxConcurrentReconciles.set({ controller: this.name }, n);
    for (let i = 0; i < n; i++) this.workers.push(this.work());
  }

  /** Stops handing out keys and waits (up to deadlineMs) for the reconciles in flight. */
  async stop(deadlineMs = 10_000): Promise<boolean> {
    const drained = await this.queue.shutDownWithDrain(deadlineMs);
    // Reconciles still running past the deadline are told to give up.
    this.abort.abort();
    await Promise.race([Promise.all(this.workers), new Promise((r) => setTimeout(r, 1000))]);
    return drained;
  }

  private async work(): Promise<void> {
    for (;;) {
      if (this.opts.gate !== undefined) await this.opts.gate();
      const item = await this.queue.get();
      if (item.shutdown) return;
      await this.process(item.key);
    }
  }

  private async process(key: string): Promise<void> {
    const c = { controller: this.name };
    const log = this.opts.logger?.child({ controller: this.name, key });
    this.metrics?.activeWorkers.inc(c);
    const started = performance.now();
    let result: string;
    try {
      const r = (await this.opts.reconcile(key, this.abort.signal)) ?? {};
      if (r.requeueAfterMs !== undefined && r.requeueAfterMs > 0) {
        this.queue.forget(key);
        this.queue.addAfter(key, r.requeueAfterMs);
        result = 'requeue_after';
      } else if (r.requeue) {
        this.queue.addRateLimited(key);
        result = 'requeue';
      } else {
        this.queue.forget(key);
        result = 'success';
      }
    } catch (e) {
      result = 'error';
      this.metrics?.reconcileErrors.inc(c);
      const err = e instanceof Error ? e : new Error(String(e));
      if (err instanceof TerminalError) {
        this.metrics?.terminalReconcileErrors.inc(c);
        this.queue.forget(key);
        log?.error(
          { err: err.message },
          'reconcile failed for good; waiting for the object to change',
        );
      } else {
        this.queue.addRateLimited(key);
        log?.warn(
          { err: err.message, retries: this.queue.numRequeues(key) },
          'reconcile failed; retrying with backoff',
        );
      }
    } finally {
      this.queue.done(key);
      this.metrics?.activeWorkers.dec(c);
    }
    this.metrics?.reconcileTotal.inc({ ...c, result });
    this.metrics?.reconcileTime.observe(c, (performance.now() - started) / 1000);
  }
}
