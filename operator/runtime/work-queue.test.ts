import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../lib/metrics/index.ts';
import { ItemExponentialRateLimiter } from './rate-limiter.ts';
import { WorkQueue } from './work-queue.ts';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('WorkQueue', () => {
  it('holds a key once however often it is added, in order of first add', async () => {
    const q = new WorkQueue({ name: 't' });
    for (const k of ['a', 'b', 'a', 'c', 'b']) q.add(k);
    expect(q.length).toBe(3);
    const got = [await q.get(), await q.get(), await q.get()].map((i) => i.key);
    expect(got).toEqual(['a', 'b', 'c']);
  });

  it('never hands out a key being worked on; one added meanwhile comes back after done()', async () => {
    const q = new WorkQueue({ name: 't' });
    q.add('a');
    const first = await q.get();
    q.add('a');
    q.add('a');
    expect(q.length).toBe(0);
    let second: string | undefined;
    void q.get().then((i) => (second = i.key));
    await tick();
    expect(second).toBeUndefined();
    q.done('a');
    await tick();
    expect([first.key, second]).toEqual(['a', 'a']);
    q.done('a');
    expect(q.length).toBe(0);
  });

  it('delays keys, keeping the earliest time per key', async () => {
    const q = new WorkQueue({ name: 't' });
    q.addAfter('slow', 200);
    q.addAfter('fast', 20);
    q.addAfter('slow', 30); // earlier: wins
    q.addAfter('fast', 500); // later: ignored
    const t0 = performance.now();
    const a = await q.get();
    const b = await q.get();
    const took = performance.now() - t0;
    expect([a.key, b.key]).toEqual(['fast', 'slow']);
    expect(took).toBeLessThan(150);
    q.addAfter('now', 0);
    expect(q.length).toBe(1);
  });

  it('backs off rate-limited keys and forgets on success', async () => {
    const q = new WorkQueue({ name: 't', rateLimiter: new ItemExponentialRateLimiter(20, 1000) });
    q.addRateLimited('a');
    q.addRateLimited('a');
    expect(q.numRequeues('a')).toBe(2);
    expect((await q.get()).key).toBe('a');
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
  });

  it('wakes waiting workers on shutdown and drains the keys in flight', async () => {
    const q = new WorkQueue({ name: 't' });
    q.add('busy');
    await q.get();
    const waiting = q.get();
    const drained = q.shutDownWithDrain(1000);
    expect(await waiting).toEqual({ shutdown: true });
    const other = new WorkQueue({ name: 'u' });
    other.add('dropped');
    other.shutDown();
    expect(await other.get()).toEqual({ shutdown: true });
    q.add('late');
    expect(q.length).toBe(0);
    setTimeout(() => q.done('busy'), 20);
    expect(await drained).toBe(true);
    expect(await q.get()).toEqual({ shutdown: true });
  });

  it('gives up draining at the deadline', async () => {
    const q = new WorkQueue({ name: 't' });
    q.add('stuck');
    await q.get();
    expect(await q.shutDownWithDrain(20)).toBe(false);
  });

  it("exports controller-runtime's workqueue metrics", async () => {
    const registry = createRegistry({ defaultMetrics: false });
    const q = new WorkQueue({ name: 'nodes', registry });
    q.add('a');
    q.add('a');
    q.add('b');
    q.addAfter('c', 1);
    await q.get();
    q.done('a');
    const text = await registry.metrics();
    expect(text).toContain('workqueue_adds_total{name="nodes",controller="nodes"} 2');
    expect(text).toContain('workqueue_depth{name="nodes",controller="nodes",priority=""} 1');
    expect(text).toContain('workqueue_retries_total{name="nodes",controller="nodes"} 1');
    expect(text).toContain(
      'workqueue_queue_duration_seconds_count{name="nodes",controller="nodes"} 1',
    );
    expect(text).toContain(
      'workqueue_work_duration_seconds_count{name="nodes",controller="nodes"} 1',
    );
    q.shutDown();
  });
});
