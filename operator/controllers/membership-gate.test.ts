import { describe, expect, it } from 'vitest';
import { MembershipGate } from './membership-gate.ts';

describe('MembershipGate', () => {
  it('opens once every changed network finished a reconcile that started after its change', async () => {
    const g = new MembershipGate();
    expect(g.pending).toBe(0);
    await g.wait();
    g.changed('blue');
    g.changed('green');
    let open = false;
    void g.wait().then(() => (open = true));
    const blue = g.starting('blue');
    g.changed('blue'); // changed again while its reconcile runs
    g.finished('blue', blue);
    const green = g.starting('green');
    g.finished('green', green);
    await Promise.resolve();
    expect(open).toBe(false);
    expect(g.pending).toBe(1);
    g.finished('blue', g.starting('blue'));
    await Promise.resolve();
    expect(open).toBe(true);
  });

  it('releases waiters on open()', async () => {
    const g = new MembershipGate();
    g.changed('x');
    const w = g.wait();
    g.open();
    await w;
    expect(g.pending).toBe(0);
  });
});
