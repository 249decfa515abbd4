// The controllers' work queue, with client-go's workqueue semantics:
//   - a key waiting in the queue is there once, however often it is added;
//   - a key being worked on is never handed to a second worker: added meanwhile,
//     it is queued again when the first worker calls done();
//   - addAfter() waits, keeping only the earliest time per key (a stream of
//     delayed adds of one key fires once per delay, a built-in debounce);
//   - addRateLimited() waits as long as the rate limiter says (per-item
//     exponential backoff and an overall token bucket), forget() resets it.
// Metrics under controller-runtime's names (workqueue_*{name,controller}).
import type { Registry } from 'prom-client';
import { workqueueMetrics } from '../../lib/metrics/index.ts';
import type { WorkqueueMetrics } from '../../lib/metrics/index.ts';
import { defaultControllerRateLimiter } from './rate-limiter.ts';
import type { RateLimiter } from './rate-limiter.ts';

export interface WorkQueueOptions {
  /** The queue's (and its controller's) name: the metrics' `name` and `controller` labels. */
  name: string;
  rateLimiter?: RateLimiter;
  registry?: Registry;
}

/** What get() hands out: a key, or the news that the queue is shut down and empty. */
export type QueueItem = { key: string; shutdown: false } | { key?: undefined; shutdown: true };

interface Delayed {
  key: string;
  at: number;
}

export class WorkQueue {
  readonly name: string;
  private readonly limiter: RateLimiter;
  private readonly metrics: WorkqueueMetrics | undefined;
  private readonly labels: { name: string; controller: string };
  private readonly queue: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  /** Key → when its current work started. */
  private readonly processing = new Map<string, number>();
  /** Key → when it was added (for workqueue_queue_duration_seconds). */
  private readonly addedAt = new Map<string, number>();
  private readonly waiting = new Map<string, number>();
  private heap: Delayed[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly getters: ((item: QueueItem) => void)[] = [];
  private readonly drainWaiters: (() => void)[] = [];
  private shuttingDown = false;
  private readonly unfinishedTimer: NodeJS.Timeout | undefined;

  constructor(opts: WorkQueueOptions) {
    this.name = opts.name;
    this.limiter = opts.rateLimiter ?? defaultControllerRateLimiter();
    this.labels = { name: opts.name, controller: opts.name };
    this.metrics = opts.registry ? workqueueMetrics(opts.registry) : undefined;
    if (this.metrics) {
      this.metrics.depth.set({ ...this.labels, priority: '' }, 0);
      // client-go refreshes these two every 500 ms.
      this.unfinishedTimer = setInterval(() => this.updateUnfinished(), 500);
      this.unfinishedTimer.unref();
    }
  }

  /** Keys waiting to be handed out (not those being worked on or delayed). */
  get length(): number {
    return this.queue.length - this.head;
  }

  /** Keys being worked on now. */
  get inProgress(): number {
    return this.processing.size;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.metrics?.adds.inc(this.labels);
    this.dirty.add(key);
    this.addedAt.set(key, performance.now());
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Adds `key` once `delayMs` has passed; a key already waiting keeps the earlier time. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    this.metrics?.retries.inc(this.labels);
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = performance.now() + delayMs;
    const current = this.waiting.get(key);
    if (current !== undefined && current <= at) return;
    this.waiting.set(key, at);
    heapPush(this.heap, { key, at });
    this.arm();
  }

  /** Adds `key` after the rate limiter's delay (a failure: the per-key backoff grows). */
  addRateLimited(key: string): void {
    this.addAfter(key, this.limiter.when(key));
  }

  /** The key succeeded: reset its backoff. */
  forget(key: string): void {
    this.limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.limiter.numRequeues(key);
  }

  /** The next key, once there is one; `{shutdown: true}` once shut down and empty. */
  get(): Promise<QueueItem> {
    const item = this.take();
    if (item !== undefined || this.shuttingDown) return Promise.resolve(item ?? { shutdown: true });
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** The worker has finished `key`; if it was added meanwhile, it is queued again. */
  done(key: string): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.metrics?.workDuration.observe(this.labels, (performance.now() - started) / 1000);
    if (this.dirty.has(key)) this.push(key);
    if (this.processing.size === 0) for (const w of this.drainWaiters.splice(0)) w();
  }

  /** Stops handing out keys: waiting workers get `{shutdown: true}`, delayed keys are dropped. */
  shutDown(): void {
    this.shuttingDown = true;
    clearTimeout(this.timer);
    clearInterval(this.unfinishedTimer);
    this.waiting.clear();
    this.heap = [];
    // Keys still queued are dropped: the next leader starts from a fresh list anyway.
    this.queue.length = 0;
    this.head = 0;
    this.dirty.clear();
    this.setDepth();
    for (const g of this.getters.splice(0)) g({ shutdown: true });
  }

  /** shutDown(), then waits until the keys being worked on are done (or the deadline passes). */
  async shutDownWithDrain(deadlineMs: number): Promise<boolean> {
    this.shutDown();
    if (this.processing.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = new Promise<boolean>((resolve) => this.drainWaiters.push(() => resolve(true)));
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), deadlineMs);
    });
    const ok = await Promise.race([drained, late]);
    clearTimeout(timer);
    return ok;
  }

  private push(key: string): void {
    const getter = this.getters.shift();
    if (getter !== undefined) {
      getter(this.start(key));
      return;
    }
    this.queue.push(key);
    this.setDepth();
  }

  private take(): QueueItem | undefined {
    if (this.head >= this.queue.length) return undefined;
    const key = this.queue[this.head++] as string;
    // Compact now and then so a long-lived queue does not keep every key ever added.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.setDepth();
    return this.start(key);
  }

  private start(key: string): QueueItem {
    this.dirty.delete(key);
    const now = performance.now();
    this.processing.set(key, now);
    const added = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (added !== undefined) this.metrics?.queueDuration.observe(this.labels, (now - added) / 1000);
    return { key, shutdown: false };
  }

  private setDepth(): void {
    this.metrics?.depth.set({ ...this.labels, priority: '' }, this.length);
  }

  /** Arms the timer for the earliest delayed key. */
  private arm(): void {
    const next = this.heap[0];
    if (next === undefined || next.at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = next.at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, next.at - performance.now()));
  }

  private fire(): void {
    this.timerAt = Infinity;
    const now = performance.now();
    for (let top = this.heap[0]; top !== undefined && top.at <= now; top = this.heap[0]) {
      heapPop(this.heap);
      // A stale entry: the key was re-scheduled earlier (and already fired) or dropped.
      if (this.waiting.get(top.key) !== top.at) continue;
      this.waiting.delete(top.key);
      this.add(top.key);
    }
    this.arm();
  }

  private updateUnfinished(): void {
    if (!this.metrics) return;
    const now = performance.now();
    let total = 0;
    let longest = 0;
    for (const started of this.processing.values()) {
      const s = (now - started) / 1000;
      total += s;
      longest = Math.max(longest, s);
    }
    this.metrics.unfinishedWork.set(this.labels, total);
    this.metrics.longestRunningProcessor.set(this.labels, longest);
  }
}

// A binary min-heap on `at`.
function heapPush(h: Delayed[], d: Delayed): void {
  h.push(d);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if ((h[p] as Delayed).at <= d.at) break;
    h[i] = h[p] as Delayed;
    i = p;
  }
  h[i] = d;
}

function heapPop(h: Delayed[]): Delayed | undefined {
  const top = h[0];
  const last = h.pop();
  if (top === undefined || last === undefined || h.length === 0) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= h.length) break;
    const r = l + 1;
    const c = r < h.length && (h[r] as Delayed).at < (h[l] as Delayed).at ? r : l;
    if ((h[c] as Delayed).at >= last.at) break;
    h[i] = h[c] as Delayed;
    i = c;
  }
  h[i] = last;
  return top;
}
