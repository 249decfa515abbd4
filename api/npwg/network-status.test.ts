import { describe, expect, it } from 'vitest';
import { buildNetworkStatus, networkStatusFromCniResult, parseNetworkStatus } from './index.ts';
import type { NetworkStatus } from './index.ts';

const F = 'metadata.annotations[k8s.v1.cni.cncf.io/network-status]';

const cluster: NetworkStatus = {
  name: 'k8s-pod-network',
  interface: 'eth0',
  ips: ['10.244.1.5'],
  mac: '0a:58:0a:f4:01:05',
  default: true,
  dns: {},
};
const blue: NetworkStatus = {
  gateway: ['173.17.34.1'],
  'device-info': { version: '1.1.0', type: 'pci', pci: { 'pci-address': '0000:03:00.1' } },
  dns: { search: ['svc.local'], nameservers: ['10.0.0.10'] },
  default: false,
  mtu: 1450,
  mac: '02:42:ad:11:22:14',
  ips: ['173.17.34.20', 'fd00::14'],
  interface: 'net1',
  name: 'team-a/blue',
};

describe('buildNetworkStatus', () => {
  it('writes keys in a stable order and leaves empty fields out', () => {
    expect(buildNetworkStatus([cluster, blue])).toBe(
      '[{"name":"k8s-pod-network","interface":"eth0","ips":["10.244.1.5"],"mac":"0a:58:0a:f4:01:05","default":true},' +
        '{"name":"team-a/blue","interface":"net1","ips":["173.17.34.20","fd00::14"],"mac":"02:42:ad:11:22:14","mtu":1450,"default":false,' +
        '"dns":{"nameservers":["10.0.0.10"],"search":["svc.local"]},"device-info":{"type":"pci","version":"1.1.0","pci":{"pci-address":"0000:03:00.1"}},' +
        '"gateway":["173.17.34.1"]}]',
    );
  });
  it('always writes "default" (a required key) and omits empty strings and lists', () => {
    expect(buildNetworkStatus([{ name: 'x', interface: '', ips: [], gateway: [], mtu: 0 }])).toBe(
      '[{"name":"x","default":false}]',
    );
    expect(buildNetworkStatus([])).toBe('[]');
  });
  it('round-trips through parseNetworkStatus', () => {
    const r = parseNetworkStatus(buildNetworkStatus([cluster, blue]));
    expect(r.findings).toEqual([]);
    expect(r.entries).toEqual(
      [{ ...cluster, dns: undefined }, blue].map(
        (e) => JSON.parse(JSON.stringify(e)) as NetworkStatus,
      ),
    );
  });
});

describe('parseNetworkStatus', () => {
  it('reads what Multus writes (default omitted when false, old prefixes in ips)', () => {
    const value = JSON.stringify([
      {
        name: 'cbr0',
        interface: 'eth0',
        ips: ['10.244.1.5'],
        mac: '0a:58:0a:f4:01:05',
        default: true,
        dns: {},
      },
      {
        name: 'default/macvlan',
        interface: 'net1',
        ips: ['1.2.3.4/24'],
        mac: '02:11:22:33:44:55',
        dns: {},
        'org.example.x': 1,
      },
    ]);
    const r = parseNetworkStatus(value);
    expect(r.findings).toEqual([]);
    expect(r.entries[1]).toEqual({
      name: 'default/macvlan',
      interface: 'net1',
      ips: ['1.2.3.4/24'],
      mac: '02:11:22:33:44:55',
      dns: {},
    });
  });
  it('rejects bad JSON and non-lists', () => {
    expect(parseNetworkStatus('[').findings[0]?.message).toMatch(/^is not valid JSON/);
    expect(parseNetworkStatus('{"name": "x"}').findings[0]).toMatchObject({
      field: F,
      fix: 'wrap the object in [ ]',
      severity: 'error',
    });
  });
  it('checks the type of every key', () => {
    const r = parseNetworkStatus(
      JSON.stringify([
        {
          name: 'a',
          default: 'yes',
          interface: 5,
          ips: ['nope'],
          mac: 'zz',
          mtu: -1,
          dns: { nameservers: 'x', search: [1] },
          gateway: ['10.0.0.1/24'],
        },
      ]),
    );
    expect(r.findings.filter((f) => f.severity === 'error').map((f) => f.field)).toEqual([
      `${F}[0].default`,
      `${F}[0].interface`,
      `${F}[0].ips[0]`,
      `${F}[0].mac`,
      `${F}[0].mtu`,
      `${F}[0].dns.nameservers`,
      `${F}[0].dns.search[0]`,
      `${F}[0].gateway[0]`,
    ]);
    expect(
      parseNetworkStatus('[{"interface": "eth0", "default": true}]').findings.map((f) => f.field),
    ).toEqual([`${F}[0].name`]);
    expect(parseNetworkStatus('[7]').findings.map((f) => f.field)).toEqual([`${F}[0]`, F]);
  });
  it('warns unless exactly one entry is the default', () => {
    expect(
      parseNetworkStatus('[{"name": "a"}]').findings.map((f) => [f.severity, f.field]),
    ).toEqual([['warning', F]]);
    expect(
      parseNetworkStatus('[{"name": "a", "default": true}, {"name": "b", "default": true}]')
        .findings[0]?.message,
    ).toContain('2 entries');
    expect(parseNetworkStatus('[{"name": "a", "default": true}]').findings).toEqual([]);
  });
  it('warns about a MAC without an interface, duplicate interfaces and unknown keys', () => {
    const r = parseNetworkStatus(
      '[{"name": "a", "default": true, "mac": "02:00:00:00:00:01", "ipz": []}, {"name": "b", "interface": "x"}, {"name": "c", "interface": "x"}]',
    );
    expect(r.findings.map((f) => [f.severity, f.field, f.fix])).toEqual([
      ['warning', `${F}[0].ipz`, 'did you mean "ips"?'],
      ['warning', `${F}[0].mac`, undefined],
      ['warning', `${F}[2].interface`, undefined],
    ]);
  });
  it('checks device-info', () => {
    const bad = parseNetworkStatus(
      '[{"name": "a", "default": true, "device-info": {"type": "usb", "version": "1.1.0"}}]',
    );
    expect(bad.findings.map((f) => f.field)).toEqual([`${F}[0].device-info.type`]);
    const missing = parseNetworkStatus(
      '[{"name": "a", "default": true, "device-info": {"type": "vdpa", "version": "1.1.0"}}]',
    );
    expect(missing.findings.map((f) => [f.severity, f.field])).toEqual([
      ['warning', `${F}[0].device-info.vdpa`],
    ]);
    const typed = parseNetworkStatus(
      '[{"name": "a", "default": true, "device-info": {"type": "memif", "memif": {"role": 1, "mode": "ip"}}}]',
    );
    expect(typed.findings.map((f) => f.field)).toEqual([
      `${F}[0].device-info.version`,
      `${F}[0].device-info.memif.role`,
    ]);
  });
});

describe('networkStatusFromCniResult', () => {
  const result = {
    cniVersion: '1.0.0',
    interfaces: [
      { name: 'veth1234', mac: 'aa:bb:cc:dd:ee:01' },
      { name: 'net1', mac: '02:42:ad:11:22:14', sandbox: '/var/run/netns/p1', mtu: 1450 },
      { name: 'net1-peer', mac: '02:42:ad:11:22:15', sandbox: '/var/run/netns/p1' },
    ],
    ips: [
      { address: '173.17.34.20/24', gateway: '173.17.34.1', interface: 1 },
      { address: '10.99.0.1/32', interface: 0 },
      { address: 'fd00::14/64', interface: 1 },
      { address: '192.0.2.9/24', interface: 2 },
    ],
    routes: [
      { dst: '0.0.0.0/0', gw: '173.17.34.1' },
      { dst: '10.0.0.0/8', gw: '173.17.34.254' },
      { dst: '::/0', gw: 'fd00::1' },
    ],
    dns: { nameservers: ['10.0.0.10'], domain: 'cluster.local', search: [], options: ['ndots:5'] },
  };
  it('takes the sandbox interface named ifName and the IPs pointing at it', () => {
    expect(
      networkStatusFromCniResult('team-a/blue', result, { ifName: 'net1', isDefault: false }),
    ).toEqual({
      name: 'team-a/blue',
      interface: 'net1',
      mac: '02:42:ad:11:22:14',
      mtu: 1450,
      ips: ['173.17.34.20', 'fd00::14'],
      default: false,
      dns: { nameservers: ['10.0.0.10'], domain: 'cluster.local', options: ['ndots:5'] },
      gateway: ['173.17.34.1', 'fd00::1'],
    });
  });
  it('falls back to the first sandbox interface', () => {
    const s = networkStatusFromCniResult('x', result, { ifName: 'eth9', isDefault: true });
    expect(s).toMatchObject({
      interface: 'net1',
      ips: ['173.17.34.20', 'fd00::14'],
      default: true,
    });
  });
  it('without a sandbox interface uses the IPs tied to no interface', () => {
    const s = networkStatusFromCniResult(
      'x',
      { ips: [{ address: '10.1.1.5/24' }, { address: '10.1.1.6/24', interface: 0 }] },
      { ifName: 'net3', isDefault: false },
    );
    expect(s).toEqual({ name: 'x', interface: 'net3', ips: ['10.1.1.5'], default: false });
  });
  it('copies device info and survives garbage', () => {
    const dev = { type: 'pci' as const, version: '1.1.0', pci: { 'pci-address': '0000:03:00.1' } };
    expect(
      networkStatusFromCniResult('x', null, { ifName: 'net1', isDefault: false, deviceInfo: dev }),
    ).toEqual({
      name: 'x',
      interface: 'net1',
      default: false,
      'device-info': dev,
    });
    expect(
      networkStatusFromCniResult(
        'x',
        { interfaces: 'no', ips: [1, { address: 7 }], routes: [null], dns: [] },
        { ifName: 'n', isDefault: false },
      ),
    ).toEqual({
      name: 'x',
      interface: 'n',
      default: false,
    });
  });
});
