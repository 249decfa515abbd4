import { describe, expect, it } from 'vitest';
import { flannelNetworkConfig, parseFlannelNetworkConfig } from './flannel-config.ts';
import { overlay, resolved } from '../testing/overlay.ts';
import { checkOverlayNetwork } from './overlay-object.ts';

describe('flannelNetworkConfig', () => {
  it('writes exactly the JSON flannel reads, defaults spelt out', () => {
    expect(JSON.stringify(flannelNetworkConfig(resolved(overlay('blue'))))).toBe(
      '{"Network":"173.17.0.0/16","SubnetLen":24,"SubnetMin":"173.17.1.0","SubnetMax":"173.17.255.0","Backend":{"Type":"vxlan","VNI":2,"Port":8472}}',
    );
  });
  it('adds DirectRouting only when set', () => {
    expect(
      flannelNetworkConfig(resolved(overlay('blue', { backend: { vni: 2, directRouting: true } })))
        .Backend,
    ).toEqual({ Type: 'vxlan', VNI: 2, Port: 8472, DirectRouting: true });
    expect(
      flannelNetworkConfig(resolved(overlay('blue', { backend: { vni: 2, directRouting: false } })))
        .Backend,
    ).not.toHaveProperty('DirectRouting');
  });
  it('is written only for a network that resolves (an invalid one has no value)', () => {
    expect(checkOverlayNetwork(overlay('blue', { network: '10.0.0.0/30' })).value).toBeUndefined();
  });
  it('round-trips through parseFlannelNetworkConfig', () => {
    const written = flannelNetworkConfig(
      resolved(overlay('blue', { network: '10.5.0.0/23', backend: { vni: 9, port: 4789 } })),
    );
    const read = parseFlannelNetworkConfig(JSON.stringify(written));
    expect(read.findings).toEqual([]);
    expect(read.value).toMatchObject({
      network: '10.5.0.0/23',
      subnetLen: 25,
      subnetMin: '10.5.0.128',
      subnetMax: '10.5.1.128',
      capacity: 3,
      backend: { vni: 9, port: 4789 },
    });
  });
});

describe('parseFlannelNetworkConfig', () => {
  it('reads an upstream config with flannel defaults (VNI 1, kernel port)', () => {
    const r = parseFlannelNetworkConfig(
      '{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}',
    );
    expect(r.findings).toEqual([]);
    expect(r.value).toMatchObject({
      network: '10.244.0.0/16',
      subnetLen: 24,
      subnetMin: '10.244.1.0',
      subnetMax: '10.244.255.0',
      capacity: 255,
    });
    expect(r.value?.backend).toEqual({
      type: 'vxlan',
      vni: 1,
      port: 8472,
      directRouting: false,
      gbp: false,
      learning: false,
    });
  });
  it('matches keys case-insensitively, last duplicate wins, as Go does', () => {
    const r = parseFlannelNetworkConfig(
      '{"network": "10.1.0.0/16", "NETWORK": "10.2.0.0/16", "backend": {"type": "VXLAN", "vni": 4}}',
    );
    expect(r.value?.network).toBe('10.2.0.0/16');
    expect(r.value?.backend.vni).toBe(4);
  });
  it('treats SubnetLen 0 and SubnetMin 0.0.0.0 as unset', () => {
    const r = parseFlannelNetworkConfig(
      '{"Network": "10.1.0.0/16", "SubnetLen": 0, "SubnetMin": "0.0.0.0", "Backend": {"Type": "vxlan"}}',
    );
    expect(r.value).toMatchObject({ subnetLen: 24, subnetMin: '10.1.1.0' });
  });
  it('warns about a non-canonical Network and uses the masked one, as flannel does', () => {
    const r = parseFlannelNetworkConfig('{"Network": "10.1.2.3/16", "Backend": {"Type": "vxlan"}}');
    expect(r.findings).toMatchObject([
      { field: 'config.Network', severity: 'warning', fix: 'write 10.1.0.0/16' },
    ]);
    expect(r.value?.network).toBe('10.1.0.0/16');
  });
  it('warns about keys flannel ignores, GBP and Learning', () => {
    const r = parseFlannelNetworkConfig(
      '{"Network": "10.1.0.0/16", "Subnetlength": 24, "Backend": {"Type": "vxlan", "GBP": true, "Learning": true, "MTU": 1400}}',
    );
    expect(r.findings.map((f) => [f.field, f.severity])).toEqual([
      ['config.Subnetlength', 'warning'],
      ['config.Backend.MTU', 'warning'],
      ['config.Backend.GBP', 'warning'],
      ['config.Backend.Learning', 'warning'],
    ]);
    expect(r.value?.backend.gbp).toBe(true);
  });
  it('rejects what flannel rejects or Plexus cannot run', () => {
    const bad: [string, string][] = [
      ['not json', 'config'],
      ['[1]', 'config'],
      ['{"Backend": {"Type": "vxlan"}}', 'config.Network'],
      ['{"Network": "fd00::/64", "Backend": {"Type": "vxlan"}}', 'config.Network'],
      ['{"Network": "10.0.0.0/29", "Backend": {"Type": "vxlan"}}', 'config.Network'],
      [
        '{"Network": "10.0.0.0/16", "SubnetLen": 31, "Backend": {"Type": "vxlan"}}',
        'config.SubnetLen',
      ],
      [
        '{"Network": "10.0.0.0/16", "SubnetLen": -1, "Backend": {"Type": "vxlan"}}',
        'config.SubnetLen',
      ],
      [
        '{"Network": "10.0.0.0/16", "SubnetMin": "10.1.0.0", "Backend": {"Type": "vxlan"}}',
        'config.SubnetMin',
      ],
      [
        '{"Network": "10.0.0.0/16", "SubnetMax": 5, "Backend": {"Type": "vxlan"}}',
        'config.SubnetMax',
      ],
      ['{"Network": "10.0.0.0/16"}', 'config.Backend'],
      ['{"Network": "10.0.0.0/16", "Backend": "vxlan"}', 'config.Backend'],
      ['{"Network": "10.0.0.0/16", "Backend": {"Type": "host-gw"}}', 'config.Backend.Type'],
      [
        '{"Network": "10.0.0.0/16", "Backend": {"Type": "vxlan", "VNI": 16777216}}',
        'config.Backend.VNI',
      ],
      [
        '{"Network": "10.0.0.0/16", "Backend": {"Type": "vxlan", "Port": 70000}}',
        'config.Backend.Port',
      ],
      [
        '{"Network": "10.0.0.0/16", "Backend": {"Type": "vxlan", "DirectRouting": "yes"}}',
        'config.Backend.DirectRouting',
      ],
      [
        '{"Network": "10.0.0.0/16", "EnableIPv4": false, "Backend": {"Type": "vxlan"}}',
        'config.EnableIPv4',
      ],
    ];
    for (const [json, field] of bad) {
      const r = parseFlannelNetworkConfig(json);
      expect(r.value, json).toBeUndefined();
      expect(
        r.findings.some((f) => f.severity === 'error' && f.field === field),
        `${json}: ${JSON.stringify(r.findings)}`,
      ).toBe(true);
    }
  });
  it('uses the base for field paths', () => {
    expect(parseFlannelNetworkConfig('{}', '/k8s/network2/config').findings[0]?.field).toBe(
      '/k8s/network2/config.Network',
    );
  });
});
