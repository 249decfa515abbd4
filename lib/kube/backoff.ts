// Exponential backoff with a cap and jitter, reset after a success: how the informer, the
// leader elector and the etcd helpers space their retries so a fleet does not retry in step.
export interface BackoffOptions {
  /** First delay; default 200 ms. */
  initialMs?: number;
  /** Largest delay before jitter; default 30 s. */
  maxMs?: number;
  /** Growth per failure; default 2. */
  factor?: number;
  /** Each delay is drawn from [d·(1−jitter), d·(1+jitter)]; default 0.2. */
  jitter?: number;
  /** For tests: a source of numbers in [0, 1). */
  random?: () => number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private current: number;
  /** Failures since the last reset. */
  attempts = 0;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 200;
    this.maxMs = opts.maxMs ?? 30_000;
    this.factor = opts.factor ?? 2;
    this.jitter = opts.jitter ?? 0.2;
    this.random = opts.random ?? Math.random;
    if (!(this.initialMs > 0 && this.maxMs >= this.initialMs && this.factor >= 1))
      throw new Error(
        `backoff: need 0 < initialMs <= maxMs and factor >= 1, got ${this.initialMs}, ${this.maxMs}, ${this.factor}`,
      );
    if (!(this.jitter >= 0 && this.jitter < 1))
      throw new Error(`backoff: jitter must be in [0, 1), got ${this.jitter}`);
    this.current = this.initialMs;
  }

  /** The delay before the next attempt; each call grows the next one, up to the cap. */
  next(): number {
    const base = this.current;
    this.current = Math.min(this.maxMs, this.current * this.factor);
    this.attempts++;
    const spread = base * this.jitter * (2 * this.random() - 1);
    return Math.max(0, Math.round(base + spread));
  }

  reset(): void {
    this.current = this.initialMs;
    this.attempts = 0;
  }
}

/** Resolves after ms, or early (without error) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
