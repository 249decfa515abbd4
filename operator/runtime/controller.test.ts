import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../lib/metrics/index.ts';
import { Controller, TerminalError } from './controller.ts';
import { ItemExponentialRateLimiter } from './rate-limiter.ts';

const until = async (what: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Controller', () => {
  it('runs N workers, never one key twice at a time', async () => {
    const running = new Set<string>();
    let overlap = false;
    let maxParallel = 0;
    let calls = 0;
    const c = new Controller({
      name: 'c',
      workers: 4,
      reconcile: async (key) => {
        if (running.has(key)) overlap = true;
        running.add(key);
        maxParallel = Math.max(maxParallel, running.size);
        calls++;
        await new Promise((r) => setTimeout(r, 10));
        running.delete(key);
      },
    });
    c.start();
    for (let round = 0; round < 5; round++) for (const k of ['a', 'b', 'c', 'd']) c.enqueue(k);
    await until(() => calls >= 4 && running.size === 0 && c.queue.length === 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(overlap).toBe(false);
    expect(maxParallel).toBe(4);
    await c.stop();
  });

  it('retries errors with backoff, stops on terminal errors, honours requeueAfter', async () => {
    const registry = createRegistry({ defaultMetrics: false });
    const seen: string[] = [];
    let failures = 0;
    const c = new Controller({
      name: 'r',
      registry,
      rateLimiter: new ItemExponentialRateLimiter(5, 100),
      reconcile: async (key) => {
        seen.push(key);
        if (key === 'flaky' && failures++ < 2) throw new Error('etcd unavailable');
        if (key === 'bad') throw new TerminalError('spec cannot work');
        if (key === 'later' && seen.filter((k) => k === 'later').length === 1)
          return { requeueAfterMs: 20 };
      },
    });
    c.start();
    for (const k of ['flaky', 'bad', 'later']) c.enqueue(k);
    await until(
      () =>
        seen.filter((k) => k === 'flaky').length === 3 &&
        seen.filter((k) => k === 'later').length === 2,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.filter((k) => k === 'bad')).toHaveLength(1);
    const text = await registry.metrics();
    expect(text).toContain('controller_runtime_reconcile_total{controller="r",result="success"} 2');
    expect(text).toContain('controller_runtime_reconcile_total{controller="r",result="error"} 3');
    expect(text).toContain(
      'controller_runtime_reconcile_total{controller="r",result="requeue_after"} 1',
    );
    expect(text).toContain('controller_runtime_reconcile_errors_total{controller="r"} 3');
    expect(text).toContain('controller_runtime_terminal_reconcile_errors_total{controller="r"} 1');
    expect(text).toContain('controller_runtime_reconcile_time_seconds_count{controller="r"} 6');
    await c.stop();
  });

  it('waits for reconciles in flight on stop', async () => {
    let finished = false;
    const c = new Controller({
      name: 's',
      reconcile: async () => {
        await new Promise((r) => setTimeout(r, 50));
        finished = true;
      },
    });
    c.start();
    c.enqueue('x');
    await new Promise((r) => setTimeout(r, 5));
    expect(await c.stop(2000)).toBe(true);
    expect(finished).toBe(true);
  });
});
