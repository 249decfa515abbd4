import { describe, expect, it } from 'vitest';
import { errorFields, HOST_LOCAL, list, single, warningFields } from '../testing/nad-config.ts';

const MACVLAN = { type: 'macvlan', master: 'eth1', ipam: HOST_LOCAL };

describe('plexus-overlay', () => {
  it('accepts a network that exists', () => {
    expect(
      single({ type: 'plexus-overlay', network: 'blue' }, { overlayNetworks: new Set(['blue']) })
        .findings,
    ).toEqual([]);
  });
  it('skips the existence check when the OverlayNetworks are unknown', () => {
    expect(single({ type: 'plexus-overlay', network: 'green' }).findings).toEqual([]);
  });
  it('refuses a network that does not exist, with the fix', () => {
    const r = single(
      { type: 'plexus-overlay', network: 'green' },
      { overlayNetworks: new Set(['blue']) },
    );
    expect(r.findings).toEqual([
      {
        field: 'spec.config.network',
        message: 'OverlayNetwork "green" does not exist',
        fix: 'create OverlayNetwork green or correct the name',
        severity: 'error',
      },
    ]);
  });
  it('needs network as a DNS-1123 subdomain', () => {
    expect(errorFields(single({ type: 'plexus-overlay' }))).toEqual(['spec.config.network']);
    expect(errorFields(single({ type: 'plexus-overlay', network: 'Blue_Net' }))).toEqual([
      'spec.config.network',
    ]);
    expect(errorFields(single({ type: 'plexus-overlay', network: 3 }))).toEqual([
      'spec.config.network',
    ]);
  });
  it('refuses ipam, even an empty one', () => {
    expect(errorFields(single({ type: 'plexus-overlay', network: 'blue', ipam: {} }))).toEqual([
      'spec.config.ipam',
    ]);
  });
  it('can be followed by chained plugins', () => {
    expect(
      list([
        { type: 'plexus-overlay', network: 'blue' },
        { type: 'bandwidth', capabilities: { bandwidth: true } },
      ]).findings,
    ).toEqual([]);
  });
});

describe('veth-to-host', () => {
  it('accepts the documented fields after macvlan', () => {
    const r = list([
      MACVLAN,
      {
        type: 'veth-to-host',
        hostInterface: 'enp5s0f0',
        containerInterface: 'veth0',
        hostIP: '10.10.20.152',
        serviceCidr: '10.96.0.0/12',
        clusterCidr: 'fd00:10::/56',
        routeToHost: true,
        ipMasq: true,
        mtu: 1500,
      },
    ]);
    expect(r.findings).toEqual([]);
  });
  it('accepts the seed 004 config (cniVersion updated)', () => {
    const r = list([
      {
        name: 'mymacvlan',
        type: 'macvlan',
        master: 'enp5s0f0',
        ipam: {
          type: 'host-local',
          subnet: '10.10.20.0/24',
          rangeStart: '10.10.20.50',
          rangeEnd: '10.10.20.60',
          gateway: '10.10.20.254',
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      {
        name: 'myptp',
        type: 'veth-to-host',
        hostInterface: 'enp5s0f0',
        containerInterface: 'veth0',
        ipMasq: true,
      },
    ]);
    expect(r.findings).toEqual([]);
  });
  it('refuses bad field values', () => {
    const r = list([
      MACVLAN,
      {
        type: 'veth-to-host',
        hostInterface: 'a/b',
        hostIP: 'node1',
        serviceCidr: '10.96.0.1/12',
        clusterCidr: 'x',
        routeToHost: 'yes',
      },
    ]);
    expect(errorFields(r)).toEqual([
      'spec.config.plugins[1].hostInterface',
      'spec.config.plugins[1].hostIP',
      'spec.config.plugins[1].serviceCidr',
      'spec.config.plugins[1].clusterCidr',
      'spec.config.plugins[1].routeToHost',
    ]);
    expect(r.findings[2]?.fix).toBe('use "10.96.0.0/12"');
  });
  it('warns when service and cluster CIDRs overlap', () => {
    expect(
      warningFields(
        list([
          MACVLAN,
          { type: 'veth-to-host', serviceCidr: '10.0.0.0/8', clusterCidr: '10.244.0.0/16' },
        ]),
      ),
    ).toEqual(['spec.config.plugins[1].clusterCidr']);
  });
  it('refuses ipam', () => {
    expect(errorFields(list([MACVLAN, { type: 'veth-to-host', ipam: HOST_LOCAL }]))).toEqual([
      'spec.config.plugins[1].ipam',
    ]);
  });
  it('refuses to run alone or first', () => {
    const alone = single({ type: 'veth-to-host' });
    expect(errorFields(alone)).toEqual(['spec.config.type']);
    expect(alone.findings[0]?.fix).toMatch(/"plugins"/);
    expect(errorFields(list([{ type: 'veth-to-host' }, MACVLAN]))).toEqual([
      'spec.config.plugins[0].type',
    ]);
  });
  it('refuses to follow only chained plugins', () => {
    expect(errorFields(list([{ type: 'tuning' }, { type: 'veth-to-host' }]))).toEqual([
      'spec.config.plugins[0].type',
      'spec.config.plugins[1].type',
    ]);
  });
  it('accepts following a third-party interface plugin', () => {
    expect(list([{ type: 'sriov', vlan: 10 }, { type: 'veth-to-host' }]).findings).toEqual([]);
  });
});

describe('plexus (the meta plugin)', () => {
  it('is refused as a NAD type, alone or in a list', () => {
    expect(errorFields(single({ type: 'plexus' }))).toEqual(['spec.config.type']);
    expect(errorFields(list([MACVLAN, { type: 'plexus' }]))).toEqual([
      'spec.config.plugins[1].type',
    ]);
  });
});
