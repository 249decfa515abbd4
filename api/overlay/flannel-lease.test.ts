import { describe, expect, it } from 'vitest';
import {
  leaseKey,
  leaseValue,
  nodeOwnerKey,
  parseLeaseValue,
  parseSubnetKeyName,
  subnetKeyName,
  uint16VniFinding,
} from './flannel-lease.ts';

const ip = (a: number, b: number, c: number, d: number): bigint =>
  BigInt(((a << 24) >>> 0) + (b << 16) + (c << 8) + d);

describe('lease keys', () => {
  it('names a subnet as flannel MakeSubnetKey does', () => {
    const sn = { ip: ip(10, 5, 34, 0), prefixLen: 24 };
    expect(subnetKeyName(sn)).toBe('10.5.34.0-24');
    expect(leaseKey('/k8s/network2', sn)).toBe('/k8s/network2/subnets/10.5.34.0-24');
    expect(nodeOwnerKey('/k8s/network2', 'node-a')).toBe('/k8s/network2/plexus/nodes/node-a');
  });

  it('reads key names as flannel ParseSubnetKey does', () => {
    expect(parseSubnetKeyName('10.5.34.0-24')).toEqual({ ip: ip(10, 5, 34, 0), prefixLen: 24 });
    // A dual-stack key: the IPv4 part counts.
    expect(parseSubnetKeyName('10.5.34.0-24&fc00::-64')).toEqual({
      ip: ip(10, 5, 34, 0),
      prefixLen: 24,
    });
    // ParseUint(…, 10, 5): 32 does not fit.
    expect(parseSubnetKeyName('10.5.34.0-32')).toBeUndefined();
    for (const bad of [
      '10.5.34.0/24',
      '10.5.34-24',
      '300.5.34.0-24',
      'x10.5.34.0-24',
      '',
      '10.5.34.0-024',
    ])
      expect(parseSubnetKeyName(bad), bad).toBeUndefined();
  });
});

describe('lease values', () => {
  it('writes the exact bytes flanneld v0.28 writes', () => {
    expect(leaseValue({ publicIp: '192.168.64.3', vni: 2, vtepMac: 'c6:d2:32:6f:8f:44' })).toBe(
      '{"PublicIP":"192.168.64.3","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":2,"VtepMAC":"c6:d2:32:6f:8f:44"}}',
    );
  });

  it('reads what it writes', () => {
    const r = parseLeaseValue(
      leaseValue({ publicIp: '10.0.0.1', vni: 70000, vtepMac: '0e:00:00:00:00:01' }),
    );
    expect(r.value).toEqual({
      publicIp: '10.0.0.1',
      backendType: 'vxlan',
      vni: 70000,
      vtepMac: '0e:00:00:00:00:01',
    });
  });

  it("reads keys as Go's encoding/json: any case, last duplicate wins, unknown keys ignored", () => {
    const r = parseLeaseValue(
      '{"publicip":"1.1.1.1","PUBLICIP":"10.1.2.3","backendtype":"vxlan","Extra":1,"backenddata":{"vni":7,"vtepmac":"AA-BB-CC-DD-EE-0F"}}',
    );
    expect(r.value).toEqual({
      publicIp: '10.1.2.3',
      backendType: 'vxlan',
      vni: 7,
      vtepMac: 'aa:bb:cc:dd:ee:0f',
    });
  });

  it('leaves BackendData alone for other backends, as the vxlan backend ignores those leases', () => {
    const r = parseLeaseValue('{"PublicIP":"10.1.2.3","BackendType":"host-gw","BackendData":null}');
    expect(r.value).toEqual({ publicIp: '10.1.2.3', backendType: 'host-gw' });
  });

  it('reports what flanneld could not decode, naming the field', () => {
    const cases: [string, string][] = [
      ['{"PublicIP":"fe80::1"}', 'lease.PublicIP'],
      [
        '{"PublicIP":"10.0.0.1","BackendType":"vxlan","BackendData":{"VNI":-1,"VtepMAC":"0e:00:00:00:00:01"}}',
        'lease.BackendData.VNI',
      ],
      [
        '{"PublicIP":"10.0.0.1","BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"zz"}}',
        'lease.BackendData.VtepMAC',
      ],
      ['{"PublicIP":"10.0.0.1","BackendType":"vxlan","BackendData":[]}', 'lease.BackendData'],
      ['[1]', 'lease'],
      ['{"PublicIP":', 'lease'],
    ];
    for (const [json, field] of cases) {
      const r = parseLeaseValue(json);
      expect(
        r.findings.map((f) => f.field),
        json,
      ).toContain(field);
    }
  });
});

describe('uint16VniFinding', () => {
  it('warns above 65535 only', () => {
    expect(uint16VniFinding(65535, 'spec.backend.vni')).toBeUndefined();
    const w = uint16VniFinding(65536, 'spec.backend.vni');
    expect(w).toMatchObject({ severity: 'warning', field: 'spec.backend.vni' });
    expect(w?.message).toContain('uint16');
  });
});
