import { describe, expect, it } from 'vitest';
import { overlayConditions, overlayStatus, sameOverlayStatus } from './status.ts';
import type { OverlayObservation } from './status.ts';

const base: OverlayObservation = {
  generation: 3,
  etcdPrefix: '/plexus.dev/networks/blue',
  capacity: 4,
  allocated: 3,
  foreignLeases: 0,
  eligibleNodes: 3,
  leasedNodes: 3,
  waitingForSubnet: 0,
  warnings: [],
  nads: { generated: 2, total: 3 },
};
const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:01:00Z';
const byType = (o: OverlayObservation, prev?: Parameters<typeof overlayConditions>[1]) =>
  Object.fromEntries(overlayConditions(o, prev, T1).map((c) => [c.type, c]));

describe('overlay status', () => {
  it('is Ready when every eligible node holds a lease', () => {
    const c = byType(base);
    expect(c.Ready).toMatchObject({
      status: 'True',
      reason: 'SubnetsLeased',
      observedGeneration: 3,
    });
    expect(c.Degraded).toMatchObject({ status: 'False' });
    expect(c.SubnetsExhausted).toMatchObject({ status: 'False', reason: 'SubnetsAvailable' });
  });

  it('reports exhaustion with how to get out of it, and is not Ready', () => {
    const c = byType({
      ...base,
      allocated: 4,
      eligibleNodes: 6,
      leasedNodes: 4,
      waitingForSubnet: 2,
    });
    expect(c.SubnetsExhausted).toMatchObject({ status: 'True', reason: 'NoFreeSubnet' });
    expect(c.SubnetsExhausted?.message).toContain('2 selected nodes wait');
    expect(c.Ready).toMatchObject({ status: 'False', reason: 'SubnetsExhausted' });
  });

  it('is not Ready while allocating, being deleted, or with a spec or config problem', () => {
    expect(byType({ ...base, leasedNodes: 1 }).Ready).toMatchObject({
      status: 'False',
      reason: 'Allocating',
    });
    expect(byType({ ...base, deleting: true }).Ready).toMatchObject({ reason: 'Deleting' });
    const conflict = { reason: 'EtcdConfigConflict', message: 'config differs' };
    const c = byType({ ...base, configProblem: conflict });
    expect(c.Ready).toMatchObject({ status: 'False', reason: 'EtcdConfigConflict' });
    expect(c.Degraded).toMatchObject({ status: 'True', reason: 'EtcdConfigConflict' });
  });

  it('stays Ready but Degraded with warnings, all of them in the message', () => {
    const warnings = [
      { reason: 'NodesWithoutAddress', message: 'node x has no address' },
      { reason: 'NADNameTaken', message: 'default/blue is not ours' },
    ];
    const c = byType({ ...base, warnings });
    expect(c.Ready?.status).toBe('True');
    expect(c.Degraded).toMatchObject({ status: 'True', reason: 'NodesWithoutAddress' });
    expect(c.Degraded?.message).toBe('node x has no address; default/blue is not ours');
  });

  it('keeps lastTransitionTime while a status holds', () => {
    const first = overlayConditions({ ...base, leasedNodes: 1 }, undefined, T0);
    const again = overlayConditions(base, first, T1);
    const t = Object.fromEntries(again.map((c) => [c.type, c.lastTransitionTime]));
    expect(t).toEqual({ Ready: T1, Degraded: T0, SubnetsExhausted: T0 });
  });

  it('compares statuses by content', () => {
    const s = overlayStatus(base, undefined, T0);
    expect(s).toMatchObject({
      observedGeneration: 3,
      subnets: { capacity: 4, allocated: 3 },
      nads: { generated: 2, total: 3 },
    });
    expect(sameOverlayStatus(s, overlayStatus(base, s, T1))).toBe(true);
    expect(sameOverlayStatus(s, overlayStatus({ ...base, allocated: 2 }, s, T1))).toBe(false);
    expect(sameOverlayStatus(undefined, s)).toBe(false);
  });
});
