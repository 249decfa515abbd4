// Inputs the unit tests of this folder share: a config, a macvlan prevResult,
// and what the node and the pod have, as ip -json would report them.
import { readVethToHostConf, type VethToHostConf } from '../../../api/cni/index.ts';
import { parseIp, type IpAddress } from '../../../api/net/index.ts';
import { attachmentNames } from '../names.ts';
import type { NodeFacts, PlanInput, PodFacts } from '../plan.ts';

export const CONTAINER_ID = '8022f0a868a4dd695be86151eb92f9fb';
export const NETNS = '/var/run/netns/pod-1';

export function conf(fields: Record<string, unknown> = {}): VethToHostConf {
  const r = readVethToHostConf({ type: 'veth-to-host', ...fields });
  if (r.value === undefined) throw new Error(JSON.stringify(r.findings));
  return r.value;
}

export function ip(text: string): IpAddress {
  const v = parseIp(text);
  if (v === undefined) throw new Error(text);
  return v;
}

export function planInput(fields: Record<string, unknown> = {}, podIPs = ['192.168.64.100']) {
  const c = conf(fields);
  const input: PlanInput = {
    conf: c,
    names: attachmentNames(CONTAINER_ID, 'net1', c.containerInterface),
    ctx: { netns: NETNS, ifName: 'net1' },
    podIPs: podIPs.map(ip),
  };
  return input;
}

export const NODE: NodeFacts = {
  addresses: [
    { ifname: 'lo', family: 4, local: '127.0.0.1', scope: 'host' },
    { ifname: 'eth0', family: 4, local: '192.168.64.11', scope: 'global' },
    { ifname: 'eth0', family: 6, local: 'fe80::1', scope: 'link' },
    { ifname: 'eth1', family: 4, local: '10.0.0.5', scope: 'global' },
    { ifname: 'eth1', family: 6, local: 'fd00::5', scope: 'global' },
  ],
  defaultDev: { 4: 'eth0' },
};

export const POD: PodFacts = {
  links: [
    { ifname: 'lo', mtu: 65536, up: true },
    { ifname: 'net1', mtu: 1450, up: true, address: 'fe:6f:6f:73:07:8b' },
  ],
  defaults: {
    4: [{ dst: 'default', gateway: '192.168.64.1', dev: 'net1', flags: [], multipath: false }],
    6: [],
  },
};

export const MACVLAN_RESULT = {
  cniVersion: '1.0.0',
  interfaces: [{ name: 'net1', mac: 'fe:6f:6f:73:07:8b', sandbox: NETNS }],
  ips: [{ interface: 0, address: '192.168.64.100/24', gateway: '192.168.64.1' }],
  routes: [{ dst: '0.0.0.0/0' }],
  dns: {},
};
