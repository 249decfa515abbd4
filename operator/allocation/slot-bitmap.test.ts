import { describe, expect, it } from 'vitest';
import { SlotBitmap } from './slot-bitmap.ts';

describe('SlotBitmap', () => {
  it('hands out slots in order, skips taken ones, reuses freed ones first', () => {
    const b = new SlotBitmap(10);
    b.take(1);
    const got: number[] = [];
    for (let i = 0; i < 9; i++) {
      const s = b.nextFree() as number;
      got.push(s);
      b.take(s);
    }
    expect(got).toEqual([0, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(b.nextFree()).toBeUndefined();
    b.release(5);
    expect(b.nextFree()).toBe(5);
  });

  it('counts holders: a slot is free only when the last one lets go', () => {
    const b = new SlotBitmap(4);
    b.take(2);
    b.take(2);
    b.release(2);
    expect(b.isTaken(2)).toBe(true);
    b.release(2);
    expect(b.isTaken(2)).toBe(false);
    b.release(2); // no holder: nothing happens
    expect(b.size).toBe(0);
  });

  it('finds holes behind the cursor and across chunks', () => {
    const b = new SlotBitmap(10_000);
    for (let s = 0; s < 10_000; s++) if (s !== 7 && s !== 9_999) b.take(s);
    expect(b.nextFree()).toBe(7);
    b.take(7);
    expect(b.nextFree()).toBe(9_999);
    b.take(9_999);
    expect(b.nextFree()).toBeUndefined();
  });

  it('holds 4 million slots, allocating chunks only where slots are taken', () => {
    const b = new SlotBitmap(1 << 22);
    for (let i = 0; i < 200_000; i++) b.take(b.nextFree() as number);
    expect(b.size).toBe(200_000);
    expect(b.nextFree()).toBe(200_000);
    expect(() => b.take(1 << 22)).toThrow(RangeError);
  });
});
