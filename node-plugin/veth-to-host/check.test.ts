import { describe, expect, it } from 'vitest';
import { differences, type ObservedAttachment } from './check.ts';
import { planAttachment, type Plan } from './plan.ts';
import { NODE, POD, planInput } from './testing/fixtures.ts';

function plan(fields: Record<string, unknown>): Plan {
  const r = planAttachment(planInput(fields), { node: NODE, pod: POD });
  if (r.value === undefined) throw new Error(JSON.stringify(r.findings));
  return r.value;
}

/** What the namespaces hold right after a successful ADD of `p`. */
function healthy(p: Plan): ObservedAttachment {
  const { hostVeth, podVeth, hostMac, podMac } = p.names;
  const f = p.families[0];
  if (f === undefined) throw new Error('fixture');
  const link = (ifname: string, address: string) => ({
    ifname,
    address,
    mtu: p.mtu,
    up: true,
    kind: 'veth',
  });
  return {
    node: {
      links: [link(hostVeth, hostMac)],
      routes: [{ dst: f.podIP, dev: hostVeth, flags: [], multipath: false }],
      neighbours: [{ dst: f.podIP, dev: hostVeth, lladdr: podMac, permanent: true }],
    },
    pod: {
      links: [link(podVeth, podMac)],
      routes: [
        { dst: f.hostIP, dev: podVeth, flags: [], multipath: false },
        ...f.cidrs.map((c) => ({
          dst: c,
          gateway: f.hostIP,
          dev: podVeth,
          flags: [],
          multipath: false,
        })),
        ...(p.routeToHost
          ? [{ dst: 'default', gateway: f.hostIP, dev: podVeth, flags: [], multipath: false }]
          : []),
      ],
      neighbours: [{ dst: f.hostIP, dev: podVeth, lladdr: hostMac, permanent: true }],
    },
    nat: {
      4: [
        `:${p.names.chain} - [0:0]`,
        `-A POSTROUTING -s ${f.podIP}/32 -m comment --comment "x" -j ${p.names.chain}`,
      ].join('\n'),
    },
  };
}

const FIELDS = {
  hostInterface: 'eth0',
  serviceCidr: '10.96.0.0/12',
  clusterCidr: '10.244.0.0/16',
  ipMasq: true,
  routeToHost: true,
};

describe('differences', () => {
  it('finds none right after ADD', () => {
    const p = plan(FIELDS);
    expect(differences(p, healthy(p))).toEqual([]);
  });
  it('names each missing or changed piece', () => {
    const p = plan(FIELDS);
    const seen = healthy(p);
    seen.node.links = [];
    seen.pod.links[0] = { ...(seen.pod.links[0] ?? { ifname: '' }), up: false, mtu: 1500 };
    seen.pod.routes = seen.pod.routes.filter(
      (r) => r.dst !== '10.96.0.0/12' && r.dst !== 'default',
    );
    seen.node.neighbours = [];
    seen.nat = { 4: '' };
    expect(differences(p, seen)).toEqual([
      `the node has no interface ${p.names.hostVeth}`,
      'the pod v2h-net1 is down',
      'the pod v2h-net1 has MTU 1500, not 1450',
      'the pod has no route 10.96.0.0/12 via 192.168.64.11 dev v2h-net1',
      "the pod's default route does not go via 192.168.64.11 dev v2h-net1 (routeToHost)",
      `the node has no permanent neighbour 192.168.64.100 ${p.names.podMac} on ${p.names.hostVeth}`,
      `the node has no nat chain ${p.names.chain} (ipMasq)`,
      `nat POSTROUTING does not send 192.168.64.100 to ${p.names.chain} (ipMasq)`,
    ]);
  });
  it('does not look at iptables without ipMasq, nor at the default route without routeToHost', () => {
    const p = plan({ hostInterface: 'eth0' });
    const seen = healthy(p);
    seen.nat = {};
    expect(differences(p, seen)).toEqual([]);
  });
});
