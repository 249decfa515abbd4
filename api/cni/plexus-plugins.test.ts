import { describe, expect, it } from 'vitest';
import { errorFields, HOST_LOCAL, list, single, warningFields } from '../testing/nad-config.ts';
import { readVethToHostConf } from './index.ts';

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

describe('readVethToHostConf', () => {
  it('reads the fields into typed values, with the defaults', () => {
    const r = readVethToHostConf({
      cniVersion: '1.0.0',
      name: 'under',
      type: 'veth-to-host',
      hostInterface: 'eth0',
      hostIP: '192.168.64.11',
      serviceCidr: '10.96.0.0/12',
      clusterCidr: '10.244.0.0/16',
      ipMasq: true,
      mtu: 1400,
    });
    expect(r.findings).toEqual([]);
    const v = r.value;
    expect(v?.hostInterface).toBe('eth0');
    expect(v?.containerInterface).toBeUndefined();
    expect(v?.hostIP?.text).toBe('192.168.64.11');
    expect(v?.serviceCidr?.canonical).toBe('10.96.0.0/12');
    expect(v?.clusterCidr?.canonical).toBe('10.244.0.0/16');
    expect(v?.routeToHost).toBe(false);
    expect(v?.ipMasq).toBe(true);
    expect(v?.mtu).toBe(1400);
  });
  it('gives no value when a field is wrong, and names it with the prefix', () => {
    const r = readVethToHostConf({ type: 'veth-to-host', ipMasq: 'true', mtu: 10 }, 'conf');
    expect(r.value).toBeUndefined();
    expect(errorFields(r.findings)).toEqual(['conf.ipMasq', 'conf.mtu']);
    expect(r.findings[0]?.fix).toBe('write true without quotes');
  });
  it('keeps warnings with the value', () => {
    const r = readVethToHostConf({
      type: 'veth-to-host',
      serviceCidr: '10.0.0.0/8',
      clusterCidr: '10.244.0.0/16',
    });
    expect(warningFields(r.findings)).toEqual(['config.clusterCidr']);
    expect(r.value?.serviceCidr?.canonical).toBe('10.0.0.0/8');
  });
  it('refuses another type and a config that is not an object', () => {
    expect(errorFields(readVethToHostConf({ type: 'macvlan' }).findings)).toEqual(['config.type']);
    expect(readVethToHostConf([1]).findings[0]?.message).toBe('must be an object (got a list)');
  });
  it.each([
    ['0.0.0.0', 'the unspecified address'],
    ['127.0.0.2', 'a loopback address'],
    ['239.1.1.1', 'a multicast address'],
    ['::', 'the unspecified address'],
    ['::1', 'the loopback address'],
    ['ff02::1', 'a multicast address'],
    ['fe80::1', 'a link-local address'],
  ])('refuses hostIP %s: %s', (ip, why) => {
    const r = readVethToHostConf({ type: 'veth-to-host', hostIP: ip });
    expect(errorFields(r.findings)).toEqual(['config.hostIP']);
    expect(r.findings[0]?.message).toContain(why);
  });
  it.each(['10.0.0.1', '169.254.1.1', 'fd00::1', '2001:db8::1'])('accepts hostIP %s', (ip) => {
    expect(readVethToHostConf({ type: 'veth-to-host', hostIP: ip }).findings).toEqual([]);
  });
});
