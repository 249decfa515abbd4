import { describe, expect, it } from 'vitest';
import { MAX_POD_ADDRESSES, readPrevResult, resultWithVeth } from './prev-result.ts';
import { MACVLAN_RESULT, NETNS } from './testing/fixtures.ts';

const VETH = {
  hostVeth: 'v2h0123456789ab',
  hostMac: '02:00:00:00:00:01',
  podVeth: 'v2h-net1',
  podMac: '02:00:00:00:00:02',
  netns: NETNS,
  mtu: 1450,
};

function read(prev: unknown, ifName = 'net1') {
  return readPrevResult(prev, ifName);
}

describe('readPrevResult', () => {
  it('takes the addresses of CNI_IFNAME', () => {
    expect(read(MACVLAN_RESULT).value?.podIPs.map((i) => i.text)).toEqual(['192.168.64.100']);
  });
  it('takes addresses without an interface index, and skips those of other interfaces', () => {
    const prev = {
      interfaces: [{ name: 'net1' }, { name: 'other' }],
      ips: [
        { address: '192.168.64.5/24' },
        { address: '10.0.0.5/24', interface: 1 },
        { address: 'fd00::5/64', interface: 0, version: '6' },
      ],
    };
    expect(read(prev).value?.podIPs.map((i) => i.text)).toEqual(['192.168.64.5', 'fd00::5']);
  });
  it('is required, and says where veth-to-host belongs', () => {
    const r = read(undefined);
    expect(r.findings[0]?.field).toBe('prevResult');
    expect(r.findings[0]?.fix).toMatch(/after macvlan or ipvlan/);
  });
  it('needs an address on CNI_IFNAME', () => {
    const r = read({ ...MACVLAN_RESULT, ips: [] });
    expect(r.findings[0]?.field).toBe('prevResult.ips');
    expect(r.findings[0]?.fix).toMatch(/ipam/);
    expect(read(MACVLAN_RESULT, 'net2').findings[0]?.message).toMatch(/gives net2 no address/);
  });
  it('names malformed entries', () => {
    const r = read({
      interfaces: 'x',
      ips: [{ address: '10.0.0.300/24' }, { address: '10.0.0.1/24', interface: 3 }, 7],
    });
    expect(r.findings.map((f) => f.field)).toEqual([
      'prevResult.interfaces',
      'prevResult.ips[0].address',
      'prevResult.ips[1].interface',
      'prevResult.ips[2]',
    ]);
    expect(r.findings[2]?.message).toMatch(/the result lists none/);
    expect(read({ ips: {} }).findings[0]?.message).toBe('must be a list (got an object)');
    expect(read('x').findings[0]?.message).toBe('must be an object (got a string)');
  });
  it('caps the addresses of one interface', () => {
    const ips = Array.from({ length: MAX_POD_ADDRESSES + 1 }, (_, i) => ({
      address: `10.0.${i}.1/24`,
    }));
    expect(read({ ips }).findings[0]?.message).toMatch(/at most 32/);
  });
});

describe('resultWithVeth', () => {
  const prev = () => {
    const r = read(MACVLAN_RESULT).value;
    if (r === undefined) throw new Error('fixture');
    return r;
  };
  it('appends both ends, keeps the rest, and leaves prevResult untouched', () => {
    const before = JSON.stringify(MACVLAN_RESULT);
    const out = resultWithVeth(prev(), '1.0.0', VETH, []);
    expect(out).toEqual({
      ...MACVLAN_RESULT,
      interfaces: [
        ...MACVLAN_RESULT.interfaces,
        { name: VETH.hostVeth, mac: VETH.hostMac },
        { name: VETH.podVeth, mac: VETH.podMac, sandbox: NETNS },
      ],
    });
    expect(JSON.stringify(MACVLAN_RESULT)).toBe(before);
  });
  it('adds the interface MTU for CNI 1.1.0', () => {
    const out = resultWithVeth(prev(), '1.1.0', VETH, []);
    expect((out.interfaces as { mtu?: number }[]).slice(1).map((i) => i.mtu)).toEqual([1450, 1450]);
    expect(out.cniVersion).toBe('1.1.0');
  });
  it('writes ips[].version for versions before 1.0.0 and drops it from 1.0.0 on', () => {
    const old = resultWithVeth(prev(), '0.4.0', VETH, []);
    expect((old.ips as { version?: string }[])[0]?.version).toBe('4');
    const withVersion = read({
      ...MACVLAN_RESULT,
      ips: [{ address: '192.168.64.100/24', version: '4' }],
    });
    const v = withVersion.value;
    if (v === undefined) throw new Error('fixture');
    expect((resultWithVeth(v, '1.0.0', VETH, []).ips as object[])[0]).toEqual({
      address: '192.168.64.100/24',
    });
  });
  it('points the default route at the node when routeToHost moved it', () => {
    const out = resultWithVeth(prev(), '1.0.0', VETH, [{ family: 4, gateway: '192.168.64.11' }]);
    expect(out.routes).toEqual([{ dst: '0.0.0.0/0', gw: '192.168.64.11' }]);
    const none = resultWithVeth(prev(), '1.0.0', VETH, [{ family: 6, gateway: 'fd00::5' }]);
    expect(none.routes).toEqual([{ dst: '0.0.0.0/0' }, { dst: '::/0', gw: 'fd00::5' }]);
  });
});
