import { describe, expect, it } from 'vitest';
import { planAttachment, underConfig } from './plan.ts';
import { NODE, POD, planInput } from './testing/fixtures.ts';

const facts = { node: NODE, pod: POD };

function fields(r: ReturnType<typeof planAttachment>): string[] {
  return r.findings.map((f) => f.field);
}

describe('planAttachment', () => {
  it('routes the configured networks through hostInterface’s first address', () => {
    const r = planAttachment(
      planInput({
        hostInterface: 'eth0',
        serviceCidr: '10.96.0.0/12',
        clusterCidr: '10.244.0.0/16',
      }),
      facts,
    );
    expect(r.findings).toEqual([]);
    expect(r.value?.mtu).toBe(1450);
    expect(r.value?.families).toEqual([
      {
        family: 4,
        hostIP: '192.168.64.11',
        podIP: '192.168.64.100',
        podIPs: ['192.168.64.100'],
        cidrs: ['10.96.0.0/12', '10.244.0.0/16'],
      },
    ]);
  });
  it('takes the default route’s interface when hostInterface is not set', () => {
    const r = planAttachment(planInput({ serviceCidr: '10.96.0.0/12' }), facts);
    expect(r.value?.families[0]?.hostIP).toBe('192.168.64.11');
  });
  it('takes hostIP when it is an address of the node, and the config’s MTU', () => {
    const r = planAttachment(planInput({ hostIP: '10.0.0.5', mtu: 1400 }), facts);
    expect(r.value?.families[0]?.hostIP).toBe('10.0.0.5');
    expect(r.value?.families[0]?.cidrs).toEqual([]);
    expect(r.value?.mtu).toBe(1400);
  });
  it('refuses a hostIP the node does not have, or one off hostInterface', () => {
    const r = planAttachment(planInput({ hostIP: '10.9.9.9' }), facts);
    expect(fields(r)).toEqual(['hostIP']);
    expect(r.findings[0]?.message).toBe('10.9.9.9 is not an address of this node');
    const off = planAttachment(planInput({ hostIP: '10.0.0.5', hostInterface: 'eth0' }), facts);
    expect(off.findings[0]?.message).toBe('10.0.0.5 is not on hostInterface eth0');
  });
  it('needs hostInterface or hostIP when the node has no default route', () => {
    const r = planAttachment(planInput({ serviceCidr: '10.96.0.0/12' }), {
      node: { ...NODE, defaultDev: {} },
      pod: POD,
    });
    expect(fields(r)).toEqual(['hostInterface']);
    expect(r.findings[0]?.fix).toMatch(/set hostInterface/);
  });
  it('plans each family the config uses, with a node address of that family', () => {
    const r = planAttachment(
      planInput(
        { hostInterface: 'eth1', serviceCidr: '10.96.0.0/12', clusterCidr: 'fd00:10::/56' },
        ['192.168.64.100', 'fd00:64::100'],
      ),
      facts,
    );
    expect(r.findings).toEqual([]);
    expect(r.value?.families.map((f) => [f.family, f.hostIP, f.podIP, f.cidrs])).toEqual([
      [4, '10.0.0.5', '192.168.64.100', ['10.96.0.0/12']],
      [6, 'fd00::5', 'fd00:64::100', ['fd00:10::/56']],
    ]);
  });
  it('says which field needs a family the node interface lacks (link-local does not count)', () => {
    const r = planAttachment(
      planInput({ hostInterface: 'eth0', clusterCidr: 'fd00:10::/56' }, ['fd00:64::100']),
      facts,
    );
    expect(fields(r)).toEqual(['hostInterface']);
    expect(r.findings[0]?.message).toBe(
      'node interface eth0 has no IPv6 address, which clusterCidr needs',
    );
  });
  it('says which field needs a family the pod has no address of', () => {
    const r = planAttachment(
      planInput({ hostInterface: 'eth1', clusterCidr: 'fd00:10::/56' }),
      facts,
    );
    expect(fields(r)).toEqual(['clusterCidr']);
    expect(r.findings[0]?.message).toMatch(/gives net1 no IPv6 address/);
  });
  it('uses the pod’s families the node has when the config names none', () => {
    const r = planAttachment(
      planInput({ hostInterface: 'eth1' }, ['192.168.64.100', 'fd00:64::1']),
      facts,
    );
    expect(r.value?.families.map((f) => f.family)).toEqual([4, 6]);
    const none = planAttachment(planInput({ hostInterface: 'eth0' }, ['fd00:64::1']), facts);
    expect(fields(none)).toEqual(['hostInterface']);
  });
  it('records the default routes routeToHost moves, and refuses multipath ones', () => {
    const r = planAttachment(planInput({ routeToHost: true, hostInterface: 'eth0' }), facts);
    expect(r.value?.families[0]?.movedDefaults).toEqual(POD.defaults[4]);
    const multi = planAttachment(planInput({ routeToHost: true }), {
      node: NODE,
      pod: {
        ...POD,
        defaults: { 4: [{ dst: 'default', flags: [], multipath: true }] },
      },
    });
    expect(fields(multi)).toEqual(['routeToHost']);
  });
  it('refuses a containerInterface that is CNI_IFNAME or unsafe in a batch line', () => {
    expect(fields(planAttachment(planInput({ containerInterface: 'net1' }), facts))).toEqual([
      'containerInterface',
    ]);
    expect(fields(planAttachment(planInput({ containerInterface: 'a#b' }), facts))).toEqual([
      'containerInterface',
    ]);
  });
  it('refuses a hostIP that is the pod’s own address', () => {
    const r = planAttachment(planInput({ hostIP: '192.168.64.11' }, ['192.168.64.11']), facts);
    expect(fields(r)).toEqual(['hostIP']);
  });
  it('needs mtu when the pod’s interface is not there to copy it from', () => {
    const r = planAttachment(planInput({}), { node: NODE, pod: { links: [], defaults: {} } });
    expect(fields(r)).toEqual(['mtu']);
  });
});

describe('underConfig', () => {
  it('puts config fields under the plugin’s path and leaves prevResult alone', () => {
    const out = underConfig(
      [
        { field: 'hostIP', message: 'm', severity: 'error' },
        { field: 'prevResult.ips', message: 'm', severity: 'error' },
      ],
      'veth-to-host',
    );
    expect(out.map((f) => f.field)).toEqual(['veth-to-host.hostIP', 'prevResult.ips']);
  });
});
