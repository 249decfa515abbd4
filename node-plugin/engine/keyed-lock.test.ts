import { describe, expect, it } from 'vitest';
import { KeyedLock } from './keyed-lock.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyedLock', () => {
  it('runs one operation per key at a time, in arrival order, and other keys alongside', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    const op = (key: string, name: string, ms: number) =>
      lock.run(key, async () => {
        order.push(`start ${name}`);
        await tick(ms);
        order.push(`end ${name}`);
      });
    await Promise.all([op('c1', 'add', 30), op('c1', 'del', 1), op('c2', 'other', 5)]);
    expect(order).toEqual([
      'start add',
      'start other',
      'end other',
      'end add',
      'start del',
      'end del',
    ]);
    expect(lock.busy('c1')).toBe(false);
  });

  it('releases the key when an operation throws', async () => {
    const lock = new KeyedLock();
    await expect(lock.run('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(lock.busy('k')).toBe(false);
    await expect(lock.run('k', async () => 'ok')).resolves.toBe('ok');
  });
});
