import { describe, expect, it } from 'vitest';
import type { Finding } from '../common/findings.ts';
import type { OverlayNetwork } from '../resources/overlay-network.ts';
import { overlay, resolved } from '../testing/overlay.ts';
import { checkOverlayNetwork } from './overlay-object.ts';
import {
  checkClusterCidrs,
  checkOverlayNetworkAgainst as againstResolved,
  checkOverlayNetworkSet as setOfResolved,
  type ClusterCidrOptions,
} from './network-set.ts';

/** The set check on objects that must be valid; each field path names the
 * object's position: `#1.spec.network`. */
function checkOverlayNetworkSet(items: OverlayNetwork[], opts?: ClusterCidrOptions): Finding[] {
  return setOfResolved(
    items.map((on) => resolved(on)),
    opts,
  ).map(({ index, finding }) => ({
    ...finding,
    field: `#${index}.${finding.field}`,
  }));
}
function checkOverlayNetworkAgainst(
  candidate: OverlayNetwork,
  existing: OverlayNetwork[],
  opts?: ClusterCidrOptions,
): Finding[] {
  return againstResolved(
    resolved(candidate),
    existing.map((on) => resolved(on)),
    opts,
  );
}

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
        field: '#1.spec.network',
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
    const byObject = setOfResolved([c, d, b, a].map((on) => resolved(on)));
    expect(byObject.map((x) => [x.index, x.finding.message])).toEqual([
      [2, '10.1.0.0/16 overlaps OverlayNetwork "a" (10.0.0.0/8)'],
      [1, '10.1.0.0/16 is the same network as OverlayNetwork "b"'],
      [0, '10.1.2.0/24 overlaps OverlayNetwork "d" (10.1.0.0/16)'],
    ]);
    expect(byObject[0]?.finding.field).toBe('spec.network');
  });
  it('does not report networks that merely touch', () => {
    const x = overlay('x', { network: '10.5.0.0/17', backend: { vni: 20 } });
    const y = overlay('y', { network: '10.5.128.0/17', backend: { vni: 21 } });
    expect(checkOverlayNetworkSet([x, y])).toEqual([]);
  });
  it('reports overlaps with cluster and service CIDRs, and bad option CIDRs', () => {
    const opts = {
      clusterCidrs: ['10.0.0.0/12', 'nope'],
      serviceCidrs: ['10.96.0.0/12', 'fd00::/108'],
    };
    expect(checkClusterCidrs(opts).map((x) => [x.field, x.message])).toEqual([
      ['options.clusterCidrs[1]', '"nope" is not a CIDR, so overlaps with it cannot be checked'],
    ]);
    const f = checkOverlayNetworkSet([blue, green], opts);
    expect(f.map((x) => [x.field, x.message])).toEqual([
      ['#0.spec.network', '10.5.0.0/16 overlaps the cluster CIDR 10.0.0.0/12'],
      ['#1.spec.network', '10.6.0.0/16 overlaps the cluster CIDR 10.0.0.0/12'],
    ]);
  });
  it('reports equal VNIs and duplicate names, naming the first object', () => {
    const f = checkOverlayNetworkSet([
      blue,
      overlay('pink', { network: '10.8.0.0/16', backend: { vni: 2 } }),
      overlay('blue', { network: '10.9.0.0/16', backend: { vni: 30 } }),
    ]);
    expect(f.map((x) => [x.field, x.message])).toEqual([
      ['#2.metadata.name', 'OverlayNetwork "blue" is defined more than once'],
      ['#1.spec.backend.vni', 'VNI 2 is already used by OverlayNetwork "blue"'],
      [
        '#2.spec.etcdPrefix',
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
        '#1.spec.etcdPrefix',
        '/plexus.dev/networks/blue is already the etcd prefix of OverlayNetwork "blue"',
      ],
      [
        '#3.spec.etcdPrefix',
        '/k8s/network2/subnets/x lies among the leases of OverlayNetwork "q" (its <prefix>/subnets/)',
      ],
    ]);
  });
  it('takes only resolved networks: what cannot be read has no value to pass', () => {
    for (const junk of [null, 5, { metadata: 'x' }, { spec: { network: 7, backend: [] } }])
      expect(checkOverlayNetwork(junk).value).toBeUndefined();
    expect(checkOverlayNetworkSet([blue])).toEqual([]);
  });
  it('attributes by position, not by name: two networks named blue', () => {
    // The overlap of the first "blue" is reported on it, not on the second.
    const f = checkOverlayNetworkSet([
      overlay('blue', { network: '10.5.0.0/24', backend: { vni: 2 } }),
      overlay('blue', { network: '10.9.0.0/16', backend: { vni: 3 } }),
      overlay('green', { network: '10.5.0.0/16', backend: { vni: 4 } }),
    ]);
    expect(f.map((x) => [x.field, x.message])).toEqual([
      ['#1.metadata.name', 'OverlayNetwork "blue" is defined more than once'],
      ['#0.spec.network', '10.5.0.0/24 overlaps OverlayNetwork "green" (10.5.0.0/16)'],
      [
        '#1.spec.etcdPrefix',
        '/plexus.dev/networks/blue is already the etcd prefix of OverlayNetwork "blue"',
      ],
    ]);
  });
  it('attributes by position an object that has only generateName, and names it so', () => {
    const unnamed = {
      ...overlay('x', { network: '10.5.0.0/24', backend: { vni: 2 } }),
      metadata: { generateName: 'tmp-' },
    } as unknown as OverlayNetwork;
    const f = checkOverlayNetworkSet([blue, unnamed]);
    expect(f.map((x) => [x.field, x.message])).toEqual([
      ['#1.spec.network', '10.5.0.0/24 overlaps OverlayNetwork "blue" (10.5.0.0/16)'],
      ['#1.spec.backend.vni', 'VNI 2 is already used by OverlayNetwork "blue"'],
    ]);
    const g = checkOverlayNetworkSet([
      unnamed,
      overlay('inner', { network: '10.5.0.0/26', backend: { vni: 9 } }),
    ]);
    expect(g.map((x) => x.message)).toEqual([
      '10.5.0.0/26 overlaps the OverlayNetwork with generateName "tmp-" (10.5.0.0/24)',
    ]);
  });
  it('scales: 2000 disjoint networks and one overlap', () => {
    const many = Array.from({ length: 2000 }, (_, i) =>
      overlay(`n${i}`, {
        network: `10.${Math.floor(i / 256)}.${i % 256}.0/24`,
        backend: { vni: 100 + i },
      }),
    );
    many.push(overlay('late', { network: '10.3.7.128/25', backend: { vni: 99 } }));
    const resolvedMany = many.map((on) => resolved(on));
    const start = performance.now();
    const f = setOfResolved(resolvedMany.reverse());
    expect(performance.now() - start).toBeLessThan(500);
    expect(f.map((x) => x.finding.message)).toEqual([
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
