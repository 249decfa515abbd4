// Backoff grows by its factor up to the cap, spreads each delay by the jitter, and resets.
import { describe, expect, it } from 'vitest';
import { Backoff, sleep } from './backoff.ts';

describe('Backoff', () => {
  it('doubles from the initial delay up to the cap, then stays there', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6].map(() => b.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(b.attempts).toBe(6);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('spreads each delay within ±jitter', () => {
    const low = new Backoff({ initialMs: 1000, jitter: 0.2, random: () => 0 });
    const high = new Backoff({ initialMs: 1000, jitter: 0.2, random: () => 0.999999 });
    expect(low.next()).toBe(800);
    expect(high.next()).toBe(1200);
    const real = new Backoff({ initialMs: 1000, maxMs: 1000 });
    for (let i = 0; i < 200; i++) {
      const d = real.next();
      expect(d).toBeGreaterThanOrEqual(800);
      expect(d).toBeLessThanOrEqual(1200);
    }
  });

  it('rejects settings that make no sense, naming them', () => {
    expect(() => new Backoff({ initialMs: 0 })).toThrow(/initialMs/);
    expect(() => new Backoff({ initialMs: 10, maxMs: 5 })).toThrow(/initialMs <= maxMs/);
    expect(() => new Backoff({ jitter: 1 })).toThrow(/jitter must be in \[0, 1\)/);
  });

  it('sleep ends early when its signal aborts', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 20);
    await sleep(10_000, ac.signal);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
