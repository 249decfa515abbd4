// What one ADD sets up, decided from the config, the prevResult and what the
// node and the pod have, before anything changes. Pure: facts in, plan out.
//
// Each address family in use gets a node address (hostIP) and a pod address
// (the source of the pod's routes through the veth). The families in use are
// those of serviceCidr, clusterCidr and hostIP; with none of them set, those of
// the pod's addresses that the node also has.
import { child, error, type Checked, type Finding } from '../../api/common/index.ts';
import type { VethToHostConf } from '../../api/cni/index.ts';
import { formatIp, type Cidr, type Family, type IpAddress } from '../../api/net/index.ts';
import type { AddressInfo, LinkInfo, RouteInfo } from './ip-json.ts';
import { isBatchSafeName, type AttachmentNames } from './names.ts';

/** What the node (this process's network namespace) has. */
export interface NodeFacts {
  addresses: AddressInfo[];
  /** The interface of the default route, per family, when there is one. */
  defaultDev: Partial<Record<Family, string>>;
}

/** What the pod's namespace has. */
export interface PodFacts {
  links: LinkInfo[];
  /** The pod's default routes per family (read only when routeToHost). */
  defaults: Partial<Record<Family, RouteInfo[]>>;
}

export interface FamilyPlan {
  family: Family;
  /** The node address the pod routes through (canonical text). */
  hostIP: string;
  /** Source address of the pod's routes through the veth. */
  podIP: string;
  /** Every pod address of this family: host routes back, masquerade. */
  podIPs: string[];
  /** Networks the pod reaches through the node (canonical CIDRs). */
  cidrs: string[];
  /** routeToHost: the pod's default routes this ADD replaces (restored on DEL). */
  movedDefaults?: RouteInfo[];
}

export interface Plan {
  names: AttachmentNames;
  netns: string;
  mtu: number;
  families: FamilyPlan[];
  routeToHost: boolean;
  ipMasq: boolean;
}

export interface PlanInput {
  conf: VethToHostConf;
  names: AttachmentNames;
  ctx: { netns: string; ifName: string };
  podIPs: readonly IpAddress[];
}

const FAMILY_NAME = { 4: 'IPv4', 6: 'IPv6' } as const;

/** The config fields that put each family in use, in field order. */
function familiesInUse(conf: VethToHostConf): Map<Family, string> {
  const used = new Map<Family, string>();
  const fields: [string, Cidr | IpAddress | undefined][] = [
    ['hostIP', conf.hostIP],
    ['serviceCidr', conf.serviceCidr],
    ['clusterCidr', conf.clusterCidr],
  ];
  for (const [field, v] of fields) {
    if (v !== undefined && !used.has(v.family)) used.set(v.family, field);
  }
  return used;
}

/** The canonical text of an address (ip -json prints it so). */
function canonical(ip: IpAddress): string {
  return formatIp(ip.value, ip.family);
}

/** Node addresses that can be a next hop: global scope (no IPv6 link-local). */
function usableAddresses(node: NodeFacts, family: Family, ifname?: string): AddressInfo[] {
  return node.addresses.filter(
    (a) =>
      a.family === family &&
      (ifname === undefined || a.ifname === ifname) &&
      (a.scope === undefined || a.scope === 'global'),
  );
}

/** The node interface whose address is the host IP: hostInterface, else the default route's. */
function hostInterfaceOf(conf: VethToHostConf, node: NodeFacts, family: Family) {
  return conf.hostInterface ?? node.defaultDev[family] ?? node.defaultDev[family === 4 ? 6 : 4];
}

/** The host IP of one family, or the finding that says why there is none. */
function hostIpFor(
  conf: VethToHostConf,
  node: NodeFacts,
  family: Family,
  reason: string,
): string | Finding {
  const fam = FAMILY_NAME[family];
  if (conf.hostIP !== undefined && conf.hostIP.family === family) {
    const ip = canonical(conf.hostIP);
    const on = node.addresses.filter((a) => a.family === family && a.local === ip);
    if (on.length === 0)
      return error(
        'hostIP',
        `${ip} is not an address of this node`,
        "set hostIP to one of the node's addresses, or remove it to use hostInterface's first address",
      );
    if (conf.hostInterface !== undefined && !on.some((a) => a.ifname === conf.hostInterface))
      return error(
        'hostIP',
        `${ip} is not on hostInterface ${conf.hostInterface}`,
        'remove one of hostIP and hostInterface, or make them agree',
      );
    return ip;
  }
  const dev = hostInterfaceOf(conf, node, family);
  if (dev === undefined)
    return error(
      'hostInterface',
      'is not set and the node has no default route to take it from',
      "set hostInterface to the node's uplink (e.g. eth0), or set hostIP",
    );
  const first = usableAddresses(node, family, dev)[0];
  if (first === undefined) {
    return error(
      'hostInterface',
      `node interface ${dev} has no ${fam} address, which ${reason} needs`,
      `set hostIP to a ${fam} address of the node, or set hostInterface to an interface that has one`,
    );
  }
  return first.local;
}

function podIpsOf(podIPs: readonly IpAddress[], family: Family): string[] {
  return [...new Set(podIPs.filter((p) => p.family === family).map(canonical))];
}

/** The families to route: those the config names, else the pod's that the node has too. */
function chooseFamilies(input: PlanInput, node: NodeFacts): Map<Family, string> {
  const used = familiesInUse(input.conf);
  if (used.size > 0) return used;
  for (const family of [4, 6] as const) {
    if (podIpsOf(input.podIPs, family).length === 0) continue;
    const dev = hostInterfaceOf(input.conf, node, family);
    if (dev !== undefined && usableAddresses(node, family, dev).length > 0)
      used.set(family, `the pod's ${FAMILY_NAME[family]} address`);
  }
  return used;
}

/** The routes this ADD would move: refused when it cannot put them back exactly. */
function movableDefaults(
  routes: readonly RouteInfo[],
  family: Family,
  out: Finding[],
): RouteInfo[] {
  for (const r of routes) {
    const why = r.multipath
      ? 'is a multipath route'
      : r.dev !== undefined && !isBatchSafeName(r.dev)
        ? `uses interface ${JSON.stringify(r.dev)}, a name veth-to-host does not pass to ip -batch`
        : undefined;
    if (why !== undefined)
      out.push(
        error(
          'routeToHost',
          `the pod's ${FAMILY_NAME[family]} default route ${why}, which veth-to-host cannot move and restore`,
          'set routeToHost to false and route the networks you need with serviceCidr and clusterCidr',
        ),
      );
  }
  return [...routes];
}

/** One family to plan: which, and the config field that put it in use. */
interface FamilyUse {
  family: Family;
  reason: string;
}

function familyPlan(
  input: PlanInput,
  facts: { node: NodeFacts; pod: PodFacts },
  use: FamilyUse,
  findings: Finding[],
): FamilyPlan | undefined {
  const { family, reason } = use;
  const { conf } = input;
  const hostIP = hostIpFor(conf, facts.node, family, reason);
  if (typeof hostIP !== 'string') {
    findings.push(hostIP);
    return undefined;
  }
  const podIPs = podIpsOf(input.podIPs, family);
  const podIP = podIPs[0];
  if (podIP === undefined) {
    findings.push(
      error(
        reason,
        `is ${FAMILY_NAME[family]}, but the plugin before gives ${input.ctx.ifName} no ${FAMILY_NAME[family]} address to route from`,
        `use ${FAMILY_NAME[family === 4 ? 6 : 4]} here, or give the previous plugin's ipam a ${FAMILY_NAME[family]} range`,
      ),
    );
    return undefined;
  }
  if (podIPs.includes(hostIP)) {
    findings.push(error('hostIP', `${hostIP} is the pod's own address`, "use the node's address"));
    return undefined;
  }
  const cidrs = [conf.serviceCidr, conf.clusterCidr]
    .filter((c): c is Cidr => c !== undefined && c.family === family)
    .map((c) => c.canonical);
  const plan: FamilyPlan = { family, hostIP, podIP, podIPs, cidrs: [...new Set(cidrs)] };
  if (conf.routeToHost)
    plan.movedDefaults = movableDefaults(facts.pod.defaults[family] ?? [], family, findings);
  return plan;
}

/** The MTU of the veth: the config's, else that of the interface the plugin before made. */
function vethMtu(input: PlanInput, pod: PodFacts, findings: Finding[]): number {
  if (input.conf.mtu !== undefined) return input.conf.mtu;
  const mtu = pod.links.find((l) => l.ifname === input.ctx.ifName)?.mtu;
  if (mtu !== undefined) return mtu;
  findings.push(
    error('mtu', `is not set and the pod's ${input.ctx.ifName} has no MTU to copy`, 'set "mtu"'),
  );
  return 0;
}

/** The whole plan, or the findings (fields of the plugin config, or prevResult) that stop it. */
export function planAttachment(
  input: PlanInput,
  facts: { node: NodeFacts; pod: PodFacts },
): Checked<Plan> {
  const findings: Finding[] = [];
  const { names, conf } = input;
  if (!isBatchSafeName(names.podVeth))
    findings.push(
      error(
        'containerInterface',
        `${JSON.stringify(names.podVeth)} holds a character ip -batch reads specially (quote, #, \\)`,
        'use letters, digits, "-", "_" and "."',
      ),
    );
  if (names.podVeth === input.ctx.ifName)
    findings.push(
      error(
        'containerInterface',
        `is ${names.podVeth}, the interface the plugin before created`,
        'choose another name, or remove containerInterface to derive one from CNI_IFNAME',
      ),
    );
  const mtu = vethMtu(input, facts.pod, findings);
  const used = chooseFamilies(input, facts.node);
  if (used.size === 0)
    findings.push(
      error(
        conf.hostInterface === undefined ? 'hostIP' : 'hostInterface',
        `the node has no address of the pod's families (${input.podIPs.map(canonical).join(', ')}) to route through`,
        'set hostIP to a node address of the same family as the pod',
      ),
    );
  const families: FamilyPlan[] = [];
  for (const [family, reason] of used) {
    const fp = familyPlan(input, facts, { family, reason }, findings);
    if (fp !== undefined) families.push(fp);
  }
  if (findings.length > 0) return { findings };
  return {
    findings,
    value: {
      names,
      netns: input.ctx.netns,
      mtu,
      families,
      routeToHost: conf.routeToHost,
      ipMasq: conf.ipMasq,
    },
  };
}

/** Prefixes plan findings with the config field path the engine reports. */
export function underConfig(findings: readonly Finding[], base: string): Finding[] {
  return findings.map((f) => ({
    ...f,
    field: f.field.startsWith('prevResult') ? f.field : child(base, f.field),
  }));
}
