import { describe, expect, it } from 'vitest';
import { buildNetworkStatus } from '../../api/npwg/index.ts';
import { createLogger } from '../../lib/log/index.ts';
import { PodStatusPublisher, supersedes, withoutReleased } from './pod-status-publisher.ts';
import type { Job } from './pod-status-publisher.ts';

const status = buildNetworkStatus([
  {
    name: 'default',
    interface: 'eth0',
    ips: ['10.244.1.5'],
    mac: '02:00:00:00:00:01',
    default: true,
  },
  { name: 'ns/a', interface: 'net1', ips: ['192.168.1.5', 'fd00::5'], default: false },
  { name: 'ns/l2', interface: 'net2', mac: '02:00:00:00:00:03', default: false },
]);

describe('withoutReleased', () => {
  it('drops the entries whose addresses (or, without addresses, MAC) were released', () => {
    const kept = withoutReleased(status, {
      ips: new Set(['192.168.1.5', 'fd00::5']),
      macs: new Set(['02:00:00:00:00:03']),
    });
    expect(JSON.parse(kept ?? 'null')).toEqual([
      {
        name: 'default',
        interface: 'eth0',
        ips: ['10.244.1.5'],
        mac: '02:00:00:00:00:01',
        default: true,
      },
    ]);
  });

  it('keeps an entry of a newer sandbox that shares no address with the released one', () => {
    expect(withoutReleased(status, { ips: new Set(['10.244.1.99']), macs: new Set() })).toBe(
      status,
    );
  });

  it('removes the annotation when nothing is left, and leaves a missing one missing', () => {
    const all = {
      ips: new Set(['10.244.1.5', '192.168.1.5', 'fd00::5']),
      macs: new Set(['02:00:00:00:00:03']),
    };
    expect(withoutReleased(status, all)).toBeNull();
    expect(withoutReleased(undefined, all)).toBeNull();
  });
});

describe('supersedes', () => {
  const ref = { namespace: 'ns', name: 'web' };
  const publish = (ips: string[]): { job: Job } => ({
    job: {
      kind: 'publish',
      ref,
      entries: [{ name: 'default', interface: 'eth0', ips, default: true }],
    },
  });
  const release = (ips: string[]): { job: Job } => ({
    job: { kind: 'release', ref, released: { ips: new Set(ips), macs: new Set() } },
  });

  it('drops a failing publish for a newer publish, or for a release of all its addresses', () => {
    expect(supersedes([publish(['10.0.0.1'])])).toBe(false);
    expect(supersedes([publish(['10.0.0.1']), publish(['10.0.0.2'])])).toBe(true);
    expect(supersedes([publish(['10.0.0.1']), release(['10.0.0.1', '10.0.0.9'])])).toBe(true);
  });

  it('keeps it when the release is another sandbox’s', () => {
    expect(supersedes([publish(['10.0.0.2']), release(['10.0.0.1'])])).toBe(false);
    expect(supersedes([release(['10.0.0.1']), publish(['10.0.0.2'])])).toBe(false);
  });
});

describe('PodStatusPublisher.release', () => {
  it('asks the server when the cached pod does not show the status yet (a DEL right after its ADD)', async () => {
    const annotated = {
      metadata: {
        name: 'web',
        namespace: 'ns',
        uid: 'u1',
        resourceVersion: '7',
        annotations: { 'k8s.v1.cni.cncf.io/network-status': status },
      },
    };
    const patches: unknown[] = [];
    const client = {
      get: async () => annotated,
      patch: async (_t: unknown, _target: unknown, body: unknown) => {
        patches.push(body);
        return annotated;
      },
    };
    // The informer cache still holds the pod as it was before the ADD's status write.
    const pods = {
      cached: () => ({
        metadata: { name: 'web', namespace: 'ns', uid: 'u1', resourceVersion: '6' },
      }),
    };
    const publisher = new PodStatusPublisher({
      client: client as never,
      pods: pods as never,
      logger: createLogger({ name: 'test', level: 'silent' }),
      firstAttemptMs: 5000,
    });
    const all = {
      ips: new Set(['10.244.1.5', '192.168.1.5', 'fd00::5']),
      macs: new Set(['02:00:00:00:00:03']),
    };
    expect(await publisher.release({ namespace: 'ns', name: 'web', uid: 'u1' }, all)).toBe(true);
    expect(patches).toEqual([
      {
        metadata: {
          resourceVersion: '7',
          annotations: { 'k8s.v1.cni.cncf.io/network-status': null },
        },
      },
    ]);
    publisher.stop();
  });
});
