import { describe, expect, it } from 'vitest';
import type { OverlayNetwork } from '../resources/overlay-network.ts';
import {
  checkOverlayNetworkAgainst,
  checkOverlayNetworkSet,
  checkOverlayNetworkSetByObject,
} from './set.ts';
import { overlay } from './test-fixtures.ts';

const blue = overlay('blue', { network: '10.5.0.0/16', backend: { vni: 2 } });
const red = overlay('red', { network: '10.5.128.0/17', backend: { vni: 3 } });
const green = overlay('green', { network: '10.6.0.0/16', backend: { vni: 4 } });

describe('checkOverlayNetworkSet', () => {
  it('accepts disjoint networks with distinct VNIs and prefixes', () => {
    expect(
      checkOverlayNetworkSet([
        blue,
        green,
        overlay('x', { network: '10.7.0.0/16', backend: { vni: 5 } }),
      ]),
    ).toEqual([]);
  });
  it('reports an overlap on the inner network, naming the other object', () => {
    const f = checkOverlayNetworkSet([blue, red, green]);
    expect(f).toEqual([
      {
        field: 'OverlayNetwork[red].spec.network',
        message: '10.5.128.0/17 overlaps OverlayNetwork "blue" (10.5.0.0/16)',
        fix: expect.stringMatching(/overlaps no other/),
        severity: 'error',
      },
    ]);
  });
  it('names the innermost containing network, and equal networks as the same', () => {
    const a = overlay('a', { network: '10.0.0.0/8', backend: { vni: 10 } });
    const b = overlay('b', { network: '10.1.0.0/16', backend: { vni: 11 } });
    const c = overlay('c', { network: '10.1.2.0/24', backend: { vni: 12 } });
    const d = overlay('d', { network: '10.1.0.0/16', backend: { vni: 13 } });
    const byObject = checkOverlayNetworkSetByObject([c, d, b, a]);
    expect(byObject.map((x) => [x.object, x.finding.message])).toEqual([
      ['b', '10.1.0.0/16 overlaps OverlayNetwork "a" (10.0.0.0/8)'],
      ['d', '10.1.0.0/16 is the same network as OverlayNetwork "b"'],
      ['c', '10.1.2.0/24 overlaps OverlayNetwork "d" (10.1.0.0/16)'],
    ]);
    expect(byObject[0]?.finding.field).toBe('spec.network');
  });
  it('does not report networks that merely touch', () => {
    const x = overlay('x', { network: '10.5.0.0/17', backend: { vni: 20 } });
    const y = overlay('y', { network: '10.5.128.0/17', backend: { vni: 21 } });
    expect(checkOverlayNetworkSet([x, y])).toEqual([]);
  });
  it('reports overlaps with cluster and service CIDRs, and bad option CIDRs', () => {
    const f = checkOverlayNetworkSet([blue, green], {
      clusterCidrs: ['10.0.0.0/12', 'nope'],
      serviceCidrs: ['10.96.0.0/12', 'fd00::/108'],
    });
    expect(f.map((x) => [x.field, x.message])).toEqual([
      ['options.clusterCidrs[1]', '"nope" is not a CIDR, so overlaps with it cannot be checked'],
      ['OverlayNetwork[blue].spec.network', '10.5.0.0/16 overlaps the cluster CIDR 10.0.0.0/12'],
      ['OverlayNetwork[green].spec.network', '10.6.0.0/16 overlaps the cluster CIDR 10.0.0.0/12'],
    ]);
  });
  it('reports equal VNIs and duplicate names, naming the first object', () => {
    const f = checkOverlayNetworkSet([
      blue,
      overlay('pink', { network: '10.8.0.0/16', backend: { vni: 2 } }),
      overlay('blue', { network: '10.9.0.0/16', backend: { vni: 30 } }),
    ]);
    expect(f.map((x) => [x.field, x.message])).toEqual([
      ['OverlayNetwork[blue].metadata.name', 'OverlayNetwork "blue" is defined more than once'],
      ['OverlayNetwork[pink].spec.backend.vni', 'VNI 2 is already used by OverlayNetwork "blue"'],
      [
        'OverlayNetwork[blue].spec.etcdPrefix',
        '/plexus.dev/networks/blue is already the etcd prefix of OverlayNetwork "blue"',
      ],
    ]);
  });
  it("reports equal etcd prefixes (explicit or default) and prefixes inside another's leases", () => {
    const p = overlay('p', {
      network: '10.8.0.0/16',
      backend: { vni: 40 },
      etcdPrefix: '/plexus.dev/networks/blue',
    });
    const q = overlay('q', {
      network: '10.9.0.0/16',
      backend: { vni: 41 },
      etcdPrefix: '/k8s/network2',
    });
    const r = overlay('r', {
      network: '10.10.0.0/16',
      backend: { vni: 42 },
      etcdPrefix: '/k8s/network2/subnets/x',
    });
    const s = overlay('s', {
      network: '10.11.0.0/16',
      backend: { vni: 43 },
      etcdPrefix: '/k8s/network2/other',
    });
    const f = checkOverlayNetworkSet([blue, p, q, r, s]);
    expect(f.map((x) => [x.field, x.message])).toEqual([
      [
        'OverlayNetwork[p].spec.etcdPrefix',
        '/plexus.dev/networks/blue is already the etcd prefix of OverlayNetwork "blue"',
      ],
      [
        'OverlayNetwork[r].spec.etcdPrefix',
        '/k8s/network2/subnets/x lies among the leases of OverlayNetwork "q" (its <prefix>/subnets/)',
      ],
    ]);
  });
  it('skips what it cannot read instead of throwing', () => {
    const junk = [
      null,
      5,
      { metadata: 'x' },
      { spec: { network: 7, backend: [] } },
    ] as unknown as OverlayNetwork[];
    expect(checkOverlayNetworkSet([...junk, blue])).toEqual([]);
  });
  it('scales: 2000 disjoint networks and one overlap', () => {
    const many = Array.from({ length: 2000 }, (_, i) =>
      overlay(`n${i}`, {
        network: `10.${Math.floor(i / 256)}.${i % 256}.0/24`,
        backend: { vni: 100 + i },
      }),
    );
    many.push(overlay('late', { network: '10.3.7.128/25', backend: { vni: 99 } }));
    const start = performance.now();
    const f = checkOverlayNetworkSet(many.reverse());
    expect(performance.now() - start).toBeLessThan(500);
    expect(f.map((x) => x.message)).toEqual([
      '10.3.7.128/25 overlaps OverlayNetwork "n775" (10.3.7.0/24)',
    ]);
  });
});

describe('checkOverlayNetworkAgainst', () => {
  it('accepts a candidate that conflicts with nothing', () => {
    expect(checkOverlayNetworkAgainst(green, [blue, red])).toEqual([]);
  });
  it('skips the stored object with the same name (an update)', () => {
    const updated = overlay('blue', { network: '10.4.0.0/15', backend: { vni: 2 } });
    expect(checkOverlayNetworkAgainst(updated, [blue, green])).toEqual([]);
    const other = overlay('other', { network: '10.4.0.0/15', backend: { vni: 2 } });
    expect(checkOverlayNetworkAgainst(other, [blue, green]).map((f) => f.field)).toEqual([
      'spec.network',
      'spec.backend.vni',
    ]);
  });
  it('lists every overlapping object, up to a limit', () => {
    const big = overlay('big', { network: '10.0.0.0/8', backend: { vni: 50 } });
    const smalls = Array.from({ length: 8 }, (_, i) =>
      overlay(`s${i}`, { network: `10.${i}.0.0/16`, backend: { vni: 60 + i } }),
    );
    const f = checkOverlayNetworkAgainst(big, smalls);
    expect(f).toHaveLength(6);
    expect(f[0]?.message).toBe('10.0.0.0/8 overlaps OverlayNetwork "s0" (10.0.0.0/16)');
    expect(f[5]?.message).toBe('10.0.0.0/8 also overlaps 3 more OverlayNetworks');
  });
  it('reports VNI, prefix and cluster/service conflicts with plain field paths', () => {
    const cand = overlay('new', {
      network: '10.96.0.0/16',
      backend: { vni: 3 },
      etcdPrefix: '/plexus.dev/networks/blue/subnets',
    });
    const f = checkOverlayNetworkAgainst(cand, [blue, red], { serviceCidrs: ['10.96.0.0/12'] });
    expect(f.map((x) => [x.field, x.message])).toEqual([
      ['spec.network', '10.96.0.0/16 overlaps the service CIDR 10.96.0.0/12'],
      ['spec.backend.vni', 'VNI 3 is already used by OverlayNetwork "red"'],
      [
        'spec.etcdPrefix',
        '/plexus.dev/networks/blue/subnets lies among the leases of OverlayNetwork "blue" (its <prefix>/subnets/)',
      ],
    ]);
  });
  it("reports an existing prefix inside the candidate's leases, and an equal prefix", () => {
    const inner = overlay('inner', {
      network: '10.9.0.0/16',
      backend: { vni: 70 },
      etcdPrefix: '/k8s/n/subnets/a',
    });
    expect(
      checkOverlayNetworkAgainst(
        overlay('outer', { network: '10.8.0.0/16', backend: { vni: 71 }, etcdPrefix: '/k8s/n' }),
        [inner],
      )[0]?.message,
    ).toMatch(/would include the etcd prefix of OverlayNetwork "inner"/);
    expect(
      checkOverlayNetworkAgainst(
        overlay('same', {
          network: '10.8.0.0/16',
          backend: { vni: 71 },
          etcdPrefix: '/k8s/n/subnets/a',
        }),
        [inner],
      )[0]?.message,
    ).toMatch(/already the etcd prefix/);
  });
});
