// How long a failed item waits before its next try, as client-go's
// DefaultTypedControllerRateLimiter decides: the larger of a per-item
// exponential backoff (5 ms doubling to 1000 s, reset by forget) and an overall
// token bucket (10 per second, bursts of 100), so one bad object backs off on
// its own and a storm of failures cannot hammer the API server or etcd.

export interface RateLimiter {
  /** Delay in ms before `key` may be tried again; counts as one more failure. */
  when(key: string): number;
  /** The key succeeded: its failures are forgotten. */
  forget(key: string): void;
  /** Failures counted for `key` since it was last forgotten. */
  numRequeues(key: string): number;
}

/** base × 2^failures, capped (client-go's ItemExponentialFailureRateLimiter). */
export class ItemExponentialRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(baseMs = 5, maxMs = 1_000_000) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
  }

  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2^n overflows to Infinity long after the cap: min() keeps it finite.
    return Math.min(this.baseMs * 2 ** n, this.maxMs);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

/** A token bucket shared by every key (golang.org/x/time/rate's Reserve): each call takes a
 * token, and waits for it when the bucket is empty. */
export class BucketRateLimiter implements RateLimiter {
  private readonly perMs: number;
  private readonly burst: number;
  private tokens: number;
  private last: number;
  private readonly now: () => number;

  constructor(qps = 10, burst = 100, now: () => number = () => performance.now()) {
    this.perMs = qps / 1000;
    this.burst = burst;
    this.tokens = burst;
    this.now = now;
    this.last = now();
  }

  when(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (t - this.last) * this.perMs);
    this.last = t;
    this.tokens -= 1;
    // A negative balance is the queue of reservations ahead of this one.
    return this.tokens >= 0 ? 0 : -this.tokens / this.perMs;
  }

  forget(): void {}

  numRequeues(): number {
    return 0;
  }
}

/** The longest delay of several limiters; forget and numRequeues pass through. */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(key: string): number {
    return Math.max(...this.limiters.map((l) => l.when(key)));
  }

  forget(key: string): void {
    for (const l of this.limiters) l.forget(key);
  }

  numRequeues(key: string): number {
    return Math.max(...this.limiters.map((l) => l.numRequeues(key)));
  }
}

/** client-go's default: per item 5 ms → 1000 s, overall 10 qps with a burst of 100. */
export function defaultControllerRateLimiter(): RateLimiter {
  return new MaxOfRateLimiter(
    new ItemExponentialRateLimiter(5, 1_000_000),
    new BucketRateLimiter(10, 100),
  );
}
