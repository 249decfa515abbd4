import { describe, expect, it } from 'vitest';
import type { OverlayNetwork } from '../resources/overlay-network.ts';
import { overlay, resolved } from '../testing/overlay.ts';
import { checkOverlayNetworkUpdate as checkResolved, type UpdateContext } from './update.ts';
import { overlayNetworkValidator } from './validator.ts';

/** The update rules on two objects that must both be valid. */
const checkOverlayNetworkUpdate = (a: OverlayNetwork, b: OverlayNetwork, ctx: UpdateContext) =>
  checkResolved(resolved(a), resolved(b), ctx);

const LEASED = { leasesExist: true };
const EMPTY = { leasesExist: false };
const old = overlay('blue', { network: '10.5.0.0/16', backend: { vni: 2 } });
const fields = (oldOn: OverlayNetwork, newOn: OverlayNetwork, ctx = LEASED) =>
  checkOverlayNetworkUpdate(oldOn, newOn, ctx).map((f) => `${f.severity}:${f.field}`);

describe('checkOverlayNetworkUpdate', () => {
  it('accepts no change, and harmless changes', () => {
    expect(checkOverlayNetworkUpdate(old, old, LEASED)).toEqual([]);
    const harmless = overlay('blue', {
      network: '10.5.0.0/16',
      backend: { vni: 2, directRouting: true },
      ipMasq: false,
      attachment: { namespaces: ['a'] },
      nodeSelector: {},
    });
    expect(checkOverlayNetworkUpdate(old, harmless, LEASED)).toEqual([]);
  });
  it('refuses a VNI change, with or without leases', () => {
    const f = checkOverlayNetworkUpdate(
      old,
      overlay('blue', { network: '10.5.0.0/16', backend: { vni: 3 } }),
      EMPTY,
    );
    expect(f).toMatchObject([
      {
        field: 'spec.backend.vni',
        severity: 'error',
        fix: 'keep 2, or create a new OverlayNetwork and move workloads to it',
      },
    ]);
  });
  it('refuses an etcd prefix change, comparing effective prefixes', () => {
    expect(
      fields(
        old,
        overlay('blue', { network: '10.5.0.0/16', backend: { vni: 2 }, etcdPrefix: '/k8s/n' }),
        EMPTY,
      ),
    ).toEqual(['error:spec.etcdPrefix']);
    expect(
      fields(
        old,
        overlay('blue', {
          network: '10.5.0.0/16',
          backend: { vni: 2 },
          etcdPrefix: '/plexus.dev/networks/blue',
        }),
        EMPTY,
      ),
    ).toEqual([]);
  });
  it('refuses changing or dropping subnetLen once set; setting it is fine', () => {
    const set24 = overlay('blue', { network: '10.5.0.0/16', backend: { vni: 2 }, subnetLen: 24 });
    const set25 = overlay('blue', { network: '10.5.0.0/16', backend: { vni: 2 }, subnetLen: 25 });
    expect(fields(set24, set25, EMPTY)).toEqual(['error:spec.subnetLen']);
    expect(fields(set24, old, EMPTY)).toEqual(['error:spec.subnetLen']);
    expect(fields(old, set25, EMPTY)).toEqual([]);
    expect(fields(old, set24, LEASED)).toEqual([]);
  });
  it('with leases: network may only grow to a superset', () => {
    const grown = overlay('blue', { network: '10.4.0.0/15', backend: { vni: 2 } });
    expect(checkOverlayNetworkUpdate(old, grown, LEASED)).toEqual([]);
    const shrunk = checkOverlayNetworkUpdate(
      old,
      overlay('blue', { network: '10.5.0.0/17', backend: { vni: 2 } }),
      LEASED,
    );
    expect(shrunk).toMatchObject([{ field: 'spec.network', severity: 'error' }]);
    expect(shrunk[0]?.fix).toMatch(/10\.4\.0\.0\/15/);
    expect(fields(old, overlay('blue', { network: '10.6.0.0/16', backend: { vni: 2 } }))).toEqual([
      'error:spec.network',
    ]);
  });
  it('without leases: network may change freely', () => {
    expect(
      fields(old, overlay('blue', { network: '192.168.0.0/24', backend: { vni: 2 } }), EMPTY),
    ).toEqual([]);
  });
  it('with leases: refuses a change of the default subnet length, suggesting to pin it', () => {
    const small = overlay('blue', { network: '10.5.0.0/23', backend: { vni: 2 } });
    const f = checkOverlayNetworkUpdate(
      small,
      overlay('blue', { network: '10.5.0.0/22', backend: { vni: 2 } }),
      LEASED,
    );
    expect(f).toMatchObject([{ field: 'spec.subnetLen', fix: 'set spec.subnetLen: 25' }]);
    expect(
      fields(
        small,
        overlay('blue', { network: '10.5.0.0/22', backend: { vni: 2 }, subnetLen: 25 }),
      ),
    ).toEqual([]);
  });
  it('with leases: the leasable range may grow but not shrink', () => {
    const ranged = overlay('blue', {
      network: '10.5.0.0/16',
      backend: { vni: 2 },
      subnetMin: '10.5.10.0',
      subnetMax: '10.5.20.0',
    });
    expect(
      fields(
        ranged,
        overlay('blue', { network: '10.5.0.0/16', backend: { vni: 2 }, subnetMin: '10.5.5.0' }),
      ),
    ).toEqual([]);
    expect(
      fields(
        ranged,
        overlay('blue', {
          network: '10.5.0.0/16',
          backend: { vni: 2 },
          subnetMin: '10.5.11.0',
          subnetMax: '10.5.20.0',
        }),
      ),
    ).toEqual(['error:spec.subnetMin']);
    expect(
      fields(
        ranged,
        overlay('blue', {
          network: '10.5.0.0/16',
          backend: { vni: 2 },
          subnetMin: '10.5.10.0',
          subnetMax: '10.5.19.0',
        }),
      ),
    ).toEqual(['error:spec.subnetMax']);
    expect(
      fields(
        ranged,
        overlay('blue', {
          network: '10.5.0.0/16',
          backend: { vni: 2 },
          subnetMin: '10.5.11.0',
          subnetMax: '10.5.19.0',
        }),
        EMPTY,
      ),
    ).toEqual([]);
  });
  it('allows a port change and an mtu change with a warning', () => {
    expect(
      fields(old, overlay('blue', { network: '10.5.0.0/16', backend: { vni: 2, port: 4789 } })),
    ).toEqual(['warning:spec.backend.port']);
    expect(
      fields(old, overlay('blue', { network: '10.5.0.0/16', backend: { vni: 2, port: 8472 } })),
    ).toEqual([]);
    expect(
      fields(old, overlay('blue', { network: '10.5.0.0/16', backend: { vni: 2 }, mtu: 1400 })),
    ).toEqual(['warning:spec.mtu']);
  });
  it('the validator skips comparisons it cannot make on invalid objects', () => {
    const garbage = overlay('blue', { network: 'garbage', backend: { vni: 3 } });
    const r = overlayNetworkValidator.update(old, garbage, LEASED);
    expect(r.findings).toEqual(overlayNetworkValidator.create(garbage).findings);
    expect(r.value).toBeUndefined();
    expect(overlayNetworkValidator.update({}, old, LEASED)).toEqual(
      overlayNetworkValidator.create(old),
    );
  });
  it('the validator adds the update rules to the checks of the new object', () => {
    const r = overlayNetworkValidator.update(
      old,
      overlay('blue', { network: '10.5.0.0/16', backend: { vni: 3 }, mtu: 1400 }),
      EMPTY,
    );
    expect(r.findings.map((f) => `${f.severity}:${f.field}`)).toEqual([
      'error:spec.backend.vni',
      'warning:spec.mtu',
    ]);
    expect(r.value).toBeUndefined();
  });
});
