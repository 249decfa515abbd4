import { describe, expect, it } from 'vitest';
import { errorFields, HOST_LOCAL, list, single, warningFields } from '../testing/nad-config.ts';

describe('mtu (all plugins)', () => {
  it('accepts 68–65535', () => {
    expect(single({ type: 'macvlan', mtu: 68 }).findings).toEqual([]);
    expect(single({ type: 'bridge', mtu: 9000 }).findings).toEqual([]);
  });
  it('refuses out-of-range, fractional and quoted values', () => {
    for (const mtu of [67, 65536, -1, 1500.5, '1500']) {
      expect(errorFields(single({ type: 'ipvlan', mtu })), String(mtu)).toEqual([
        'spec.config.mtu',
      ]);
    }
    expect(single({ type: 'ipvlan', mtu: '1500' }).findings[0]?.fix).toBe(
      'write 1500 without quotes',
    );
  });
  it('warns about 0, which the plugins read as "default"', () => {
    expect(warningFields(single({ type: 'macvlan', mtu: 0 }))).toEqual(['spec.config.mtu']);
  });
});

describe('macvlan', () => {
  it('accepts master, mode, mac and linkInContainer', () => {
    expect(
      single({
        type: 'macvlan',
        master: 'eth1',
        mode: 'passthru',
        mac: '02:00:00:00:00:01',
        linkInContainer: false,
        ipam: HOST_LOCAL,
      }).findings,
    ).toEqual([]);
  });
  it('accepts no master (the default-route interface is used)', () => {
    expect(single({ type: 'macvlan' }).findings).toEqual([]);
  });
  it('refuses a bad interface name, mode and MAC', () => {
    const r = single({
      type: 'macvlan',
      master: 'this-name-is-too-long',
      mode: 'l2',
      mac: '01:00:5e:00:00:01',
    });
    expect(errorFields(r)).toEqual(['spec.config.master', 'spec.config.mode', 'spec.config.mac']);
    expect(r.findings[1]?.fix).toMatch(/bridge, private, vepa, passthru/);
    expect(single({ type: 'macvlan', mode: 'VEPA' }).findings[0]?.fix).toBe(
      'write "vepa" in lower case',
    );
  });
});

describe('ipvlan', () => {
  it('accepts l2, l3 and l3s', () => {
    for (const mode of ['l2', 'l3', 'l3s'])
      expect(single({ type: 'ipvlan', master: 'eth1', mode }).findings).toEqual([]);
  });
  it('refuses other modes and a non-string master', () => {
    expect(errorFields(single({ type: 'ipvlan', master: 1, mode: 'bridge' }))).toEqual([
      'spec.config.master',
      'spec.config.mode',
    ]);
  });
});

describe('bridge', () => {
  it('accepts its booleans, vlan and trunks', () => {
    const r = single({
      type: 'bridge',
      bridge: 'br0',
      isGateway: true,
      isDefaultGateway: false,
      forceAddress: false,
      ipMasq: true,
      hairpinMode: true,
      promiscMode: false,
      vlan: 100,
      vlanTrunk: [{ id: 5 }, { minID: 10, maxID: 20 }],
    });
    expect(r.findings).toEqual([]);
  });
  it('refuses a quoted boolean, with a fix', () => {
    const r = single({ type: 'bridge', isGateway: 'true' });
    expect(r.findings[0]).toMatchObject({
      field: 'spec.config.isGateway',
      severity: 'error',
      fix: 'write true without quotes',
    });
  });
  it('refuses vlan outside 0–4094 and bad trunks', () => {
    const r = single({
      type: 'bridge',
      vlan: 4095,
      vlanTrunk: [{ minID: 10 }, { minID: 20, maxID: 10 }, { id: 0 }, {}],
    });
    expect(errorFields(r)).toEqual([
      'spec.config.vlan',
      'spec.config.vlanTrunk[0].maxID',
      'spec.config.vlanTrunk[1].minID',
      'spec.config.vlanTrunk[2].id',
      'spec.config.vlanTrunk[3]',
    ]);
  });
  it('refuses a bridge name that is not an interface name', () => {
    expect(errorFields(single({ type: 'bridge', bridge: 'br 0' }))).toEqual(['spec.config.bridge']);
  });
});

describe('vlan', () => {
  it('accepts master, vlanId and ipam', () => {
    expect(single({ type: 'vlan', master: 'eth0', vlanId: 0, ipam: HOST_LOCAL }).findings).toEqual(
      [],
    );
    expect(
      single({ type: 'vlan', master: 'eth0', vlanId: 4094, ipam: { type: 'dhcp' } }).findings,
    ).toEqual([]);
  });
  it('needs master, vlanId and an IPAM type', () => {
    expect(errorFields(single({ type: 'vlan' }))).toEqual([
      'spec.config.ipam',
      'spec.config.master',
      'spec.config.vlanId',
    ]);
    expect(errorFields(single({ type: 'vlan', master: 'eth0', vlanId: 5, ipam: {} }))).toEqual([
      'spec.config.ipam',
    ]);
  });
  it('refuses vlanId out of range', () => {
    expect(
      errorFields(single({ type: 'vlan', master: 'eth0', vlanId: 4095, ipam: HOST_LOCAL })),
    ).toEqual(['spec.config.vlanId']);
  });
});

describe('host-device', () => {
  it('accepts exactly one selector', () => {
    for (const sel of [
      { device: 'eth2' },
      { hwaddr: '52:54:00:12:34:56' },
      { kernelpath: '/sys/devices/pci0000:00/0000:00:19.0' },
      { pciBusID: '0000:03:00.1' },
    ]) {
      expect(single({ type: 'host-device', ...sel }).findings, JSON.stringify(sel)).toEqual([]);
    }
  });
  it('accepts none when the runtime passes a deviceID', () => {
    expect(single({ type: 'host-device', capabilities: { deviceID: true } }).findings).toEqual([]);
  });
  it('refuses none and several', () => {
    expect(errorFields(single({ type: 'host-device' }))).toEqual(['spec.config']);
    expect(
      errorFields(single({ type: 'host-device', device: 'eth2', pciBusID: '0000:03:00.1' })),
    ).toEqual(['spec.config.pciBusID']);
  });
  it('refuses a bad MAC, kernel path and PCI address', () => {
    expect(errorFields(single({ type: 'host-device', hwaddr: 'zz' }))).toEqual([
      'spec.config.hwaddr',
    ]);
    expect(errorFields(single({ type: 'host-device', kernelpath: '/etc/passwd' }))).toEqual([
      'spec.config.kernelpath',
    ]);
    expect(
      errorFields(single({ type: 'host-device', kernelpath: '/sys/devices/../../etc' })),
    ).toEqual(['spec.config.kernelpath']);
    expect(single({ type: 'host-device', pciBusID: '03:00.1' }).findings[0]?.fix).toBe(
      'add the domain: "0000:03:00.1"',
    );
  });
});

describe('ptp', () => {
  it('accepts ipMasq and mtu with ipam', () => {
    expect(single({ type: 'ptp', ipMasq: true, mtu: 1400, ipam: HOST_LOCAL }).findings).toEqual([]);
  });
  it('needs ipam and a boolean ipMasq', () => {
    expect(errorFields(single({ type: 'ptp', ipMasq: 1 }))).toEqual([
      'spec.config.ipam',
      'spec.config.ipMasq',
    ]);
  });
});

describe('tuning', () => {
  it('accepts net sysctls as strings, mac, promisc, allmulti', () => {
    const r = list([
      { type: 'bridge' },
      {
        type: 'tuning',
        mtu: 1400,
        mac: 'c2:b0:57:49:47:f1',
        sysctl: { 'net.core.somaxconn': '500', 'net/ipv4/conf/IFNAME/arp_filter': '1' },
        promisc: true,
        allmulti: false,
      },
    ]);
    expect(r.findings).toEqual([]);
  });
  it('refuses non-string values and sysctls outside net', () => {
    const r = list([
      { type: 'bridge' },
      {
        type: 'tuning',
        sysctl: { 'net.core.somaxconn': 500, 'kernel.panic': '1', netfilter: '1' },
        promisc: 'yes',
      },
    ]);
    expect(errorFields(r)).toEqual([
      'spec.config.plugins[1].promisc',
      'spec.config.plugins[1].sysctl[net.core.somaxconn]',
      'spec.config.plugins[1].sysctl[kernel.panic]',
      'spec.config.plugins[1].sysctl.netfilter',
    ]);
  });
});

describe('portmap', () => {
  it('accepts snat and the portMappings capability', () => {
    expect(
      list([
        { type: 'bridge' },
        { type: 'portmap', snat: true, markMasqBit: 13, capabilities: { portMappings: true } },
      ]).findings,
    ).toEqual([]);
  });
  it('warns without the capability and refuses a bad mark bit', () => {
    const r = list([{ type: 'bridge' }, { type: 'portmap', markMasqBit: 32 }]);
    expect(errorFields(r)).toEqual(['spec.config.plugins[1].markMasqBit']);
    expect(warningFields(r)).toEqual(['spec.config.plugins[1].capabilities']);
  });
});

describe('bandwidth', () => {
  it('accepts rates with bursts, or the capability alone', () => {
    expect(
      list([
        { type: 'ptp', ipam: HOST_LOCAL },
        { type: 'bandwidth', ingressRate: 1_000_000, ingressBurst: 100_000 },
      ]).findings,
    ).toEqual([]);
    expect(
      list([
        { type: 'ptp', ipam: HOST_LOCAL },
        { type: 'bandwidth', capabilities: { bandwidth: true } },
      ]).findings,
    ).toEqual([]);
  });
  it('needs a rate for a burst and a burst for a rate', () => {
    const r = list([
      { type: 'ptp', ipam: HOST_LOCAL },
      { type: 'bandwidth', ingressBurst: 10, egressRate: 10 },
    ]);
    expect(errorFields(r)).toEqual([
      'spec.config.plugins[1].ingressBurst',
      'spec.config.plugins[1].egressRate',
    ]);
  });
  it('refuses an explicit zero rate, as a pod annotation does (the plugin skips it)', () => {
    const r = list([
      { type: 'ptp', ipam: HOST_LOCAL },
      {
        type: 'bandwidth',
        ingressRate: 1_000_000,
        ingressBurst: 100_000,
        egressRate: 0,
        egressBurst: 0,
      },
    ]);
    expect(r.findings).toMatchObject([
      {
        field: 'spec.config.plugins[1].egressRate',
        severity: 'error',
        message: expect.stringMatching(/zero egress rate sets no limit/),
      },
    ]);
  });
  it('refuses negative, fractional and oversized values', () => {
    const r = list([
      { type: 'ptp', ipam: HOST_LOCAL },
      {
        type: 'bandwidth',
        ingressRate: -1,
        ingressBurst: 1.5,
        egressRate: 10,
        egressBurst: 8 * 2 ** 32,
      },
    ]);
    expect(errorFields(r)).toEqual([
      'spec.config.plugins[1].ingressRate',
      'spec.config.plugins[1].ingressBurst',
      'spec.config.plugins[1].egressBurst',
    ]);
  });
  it('warns when it limits nothing', () => {
    expect(warningFields(list([{ type: 'ptp', ipam: HOST_LOCAL }, { type: 'bandwidth' }]))).toEqual(
      ['spec.config.plugins[1]'],
    );
  });
  it('refuses shaped and unshaped subnets together', () => {
    const r = list([
      { type: 'ptp', ipam: HOST_LOCAL },
      {
        type: 'bandwidth',
        capabilities: { bandwidth: true },
        shapedSubnets: ['10.0.0.0/8'],
        unshapedSubnets: ['10.1.0.0/16'],
      },
    ]);
    expect(errorFields(r)).toEqual(['spec.config.plugins[1].unshapedSubnets']);
  });
});

describe('other reference plugins', () => {
  it('accepts sbr, firewall and loopback without checking fields', () => {
    expect(
      list([
        { type: 'macvlan', master: 'eth1' },
        { type: 'sbr', whatever: 1 },
        { type: 'firewall', backend: 'iptables' },
      ]).findings,
    ).toEqual([]);
    expect(single({ type: 'loopback' }).findings).toEqual([]);
  });
  it('ignores unknown top-level fields of known plugins', () => {
    expect(
      single({ type: 'macvlan', master: 'eth1', 'x-team': 'net', comment: ['anything'] }).findings,
    ).toEqual([]);
  });
});
