import { describe, expect, it } from 'vitest';
import {
  BucketRateLimiter,
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
} from './rate-limiter.ts';

describe('rate limiters', () => {
  it('backs off per item from 5 ms doubling to 1000 s, and forgets', () => {
    const l = new ItemExponentialRateLimiter();
    expect([l.when('a'), l.when('a'), l.when('a'), l.when('b')]).toEqual([5, 10, 20, 5]);
    expect(l.numRequeues('a')).toBe(3);
    for (let i = 0; i < 2000; i++) l.when('a');
    expect(l.when('a')).toBe(1_000_000);
    l.forget('a');
    expect(l.numRequeues('a')).toBe(0);
    expect(l.when('a')).toBe(5);
  });

  it('lets a burst through, then spaces tokens at the rate', () => {
    let t = 0;
    const b = new BucketRateLimiter(10, 100, () => t);
    for (let i = 0; i < 100; i++) expect(b.when()).toBe(0);
    expect(b.when()).toBeCloseTo(100);
    expect(b.when()).toBeCloseTo(200);
    t += 1000; // 10 tokens back, 2 were owed
    expect(b.when()).toBe(0);
  });

  it('takes the longest of its limiters', () => {
    const t = 0;
    const m = new MaxOfRateLimiter(
      new ItemExponentialRateLimiter(5, 1000),
      new BucketRateLimiter(1, 1, () => t),
    );
    expect(m.when('a')).toBe(5);
    expect(m.when('a')).toBeCloseTo(1000);
    expect(m.numRequeues('a')).toBe(2);
    m.forget('a');
    expect(m.numRequeues('a')).toBe(0);
    expect(defaultControllerRateLimiter().when('x')).toBe(5);
  });
});
