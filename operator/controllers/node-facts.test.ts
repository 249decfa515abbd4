import { describe, expect, it } from 'vitest';
import type { Node } from '../../lib/kube/index.ts';
import { nodeChanged, nodeFacts } from './node-facts.ts';

const node = (over: {
  ready?: string;
  ip?: string;
  labels?: Record<string, string>;
  beat?: string;
}): Node => ({
  metadata: { name: 'n', uid: 'u', labels: over.labels ?? {} },
  status: {
    addresses: [{ type: 'InternalIP', address: over.ip ?? '10.0.0.1' }],
    conditions: [
      { type: 'Ready', status: over.ready ?? 'True', lastHeartbeatTime: over.beat ?? 't0' },
    ],
  },
});

describe('node facts', () => {
  it('reads Ready and the PublicIP once per object', () => {
    const n = node({});
    expect(nodeFacts(n)).toEqual({ ready: true, publicIp: '10.0.0.1' });
    expect(nodeFacts(n)).toBe(nodeFacts(n));
    expect(nodeFacts(node({ ready: 'Unknown' })).ready).toBe(false);
    expect(nodeFacts(node({ ip: 'fd00::1' }))).toMatchObject({
      ready: true,
      addressProblem: expect.stringContaining('IPv4'),
    });
  });

  it('ignores heartbeats, notices what the controllers read', () => {
    expect(nodeChanged(node({}), node({ beat: 't1' }))).toBe(false);
    expect(nodeChanged(node({}), node({ ready: 'False' }))).toBe(true);
    expect(nodeChanged(node({}), node({ ip: '10.0.0.2' }))).toBe(true);
    expect(nodeChanged(node({}), node({ labels: { zone: 'a' } }))).toBe(true);
  });
});
