// CHECK: the veth, the pod's routes through it, the node's routes back, the
// permanent neighbours and (ipMasq) the masquerade chain are all as ADD set
// them up. Reads everything in one `ip -json -batch` per namespace (one more
// per IPv6 route table) and compares with the plan ADD would make.
import type { Family } from '../../api/net/index.ts';
import { CniPluginError, CNI_CODES, configError } from './errors.ts';
import { runCommand } from './exec.ts';
import { ipJsonBatch, readNodeFacts, readPodFacts } from './facts.ts';
import { readLinks, readNeighbours, readRoutes } from './ip-json.ts';
import type { LinkInfo, NeighbourInfo, RouteInfo } from './ip-json.ts';
import { attachmentNames } from './names.ts';
import { planAttachment, underConfig, type Plan } from './plan.ts';
import { readPrevResult } from './prev-result.ts';
import {
  checkIdentity,
  CONFIG_FIELD,
  readConf,
  requireNetns,
  type VethToHostContext,
} from './context.ts';

/** One namespace as CHECK sees it. */
export interface Observed {
  links: LinkInfo[];
  routes: RouteInfo[];
  neighbours: NeighbourInfo[];
}

/** What CHECK read: both namespaces, and each masquerade family's nat table. */
export interface ObservedAttachment {
  node: Observed;
  pod: Observed;
  nat: Partial<Record<Family, string>>;
}

function sameHost(dst: string, ip: string): boolean {
  return dst === ip || dst === `${ip}/32` || dst === `${ip}/128`;
}

function linkProblems(
  where: string,
  o: Observed,
  want: { name: string; mac: string; mtu: number },
) {
  const l = o.links.find((x) => x.ifname === want.name);
  if (l === undefined) return [`${where} has no interface ${want.name}`];
  const out: string[] = [];
  if (l.kind !== undefined && l.kind !== 'veth')
    out.push(`${where} ${want.name} is a ${l.kind}, not a veth`);
  if (!l.up) out.push(`${where} ${want.name} is down`);
  if (l.address !== want.mac)
    out.push(`${where} ${want.name} has MAC ${l.address ?? 'none'}, not ${want.mac}`);
  if (l.mtu !== want.mtu)
    out.push(`${where} ${want.name} has MTU ${l.mtu ?? 'none'}, not ${want.mtu}`);
  return out;
}

function hasRoute(o: Observed, dev: string, dst: (d: string) => boolean, gateway?: string) {
  return o.routes.some(
    (r) => r.dev === dev && dst(r.dst) && (gateway === undefined || r.gateway === gateway),
  );
}

function hasNeighbour(o: Observed, dev: string, ip: string, mac: string): boolean {
  return o.neighbours.some((n) => n.dev === dev && n.dst === ip && n.lladdr === mac && n.permanent);
}

/** Routes and neighbours of one family, in the pod and on the node. */
function familyProblems(plan: Plan, seen: ObservedAttachment, fi: number): string[] {
  const f = plan.families[fi];
  if (f === undefined) return [];
  const { podVeth, hostVeth, hostMac, podMac } = plan.names;
  const out: string[] = [];
  if (!hasNeighbour(seen.pod, podVeth, f.hostIP, hostMac))
    out.push(`the pod has no permanent neighbour ${f.hostIP} ${hostMac} on ${podVeth}`);
  if (!hasRoute(seen.pod, podVeth, (d) => sameHost(d, f.hostIP)))
    out.push(`the pod has no route to ${f.hostIP} on ${podVeth}`);
  for (const c of f.cidrs) {
    if (!hasRoute(seen.pod, podVeth, (d) => d === c, f.hostIP))
      out.push(`the pod has no route ${c} via ${f.hostIP} dev ${podVeth}`);
  }
  if (plan.routeToHost && !hasRoute(seen.pod, podVeth, (d) => d === 'default', f.hostIP))
    out.push(`the pod's default route does not go via ${f.hostIP} dev ${podVeth} (routeToHost)`);
  for (const ip of f.podIPs) {
    if (!hasRoute(seen.node, hostVeth, (d) => sameHost(d, ip)))
      out.push(`the node has no route to ${ip} on ${hostVeth}`);
    if (!hasNeighbour(seen.node, hostVeth, ip, podMac))
      out.push(`the node has no permanent neighbour ${ip} ${podMac} on ${hostVeth}`);
  }
  if (plan.ipMasq) {
    const nat = seen.nat[f.family] ?? '';
    if (!nat.split('\n').some((l) => l.startsWith(`:${plan.names.chain} `)))
      out.push(`the node has no nat chain ${plan.names.chain} (ipMasq)`);
    for (const ip of f.podIPs) {
      const jump = nat
        .split('\n')
        .some(
          (l) =>
            l.startsWith('-A POSTROUTING ') &&
            l.includes(` -s ${ip}/`) &&
            l.endsWith(` -j ${plan.names.chain}`),
        );
      if (!jump) out.push(`nat POSTROUTING does not send ${ip} to ${plan.names.chain} (ipMasq)`);
    }
  }
  return out;
}

/** Every way the observed attachment differs from the plan; empty when it matches. */
export function differences(plan: Plan, seen: ObservedAttachment): string[] {
  const { names, mtu } = plan;
  const out = [
    ...linkProblems('the node', seen.node, { name: names.hostVeth, mac: names.hostMac, mtu }),
    ...linkProblems('the pod', seen.pod, { name: names.podVeth, mac: names.podMac, mtu }),
  ];
  plan.families.forEach((_, i) => out.push(...familyProblems(plan, seen, i)));
  return out;
}

/** Links, neighbours and main-table routes of a namespace (IPv6 routes only when needed). */
async function observe(netns: string | undefined, withIpv6: boolean): Promise<Observed> {
  const where = netns === undefined ? 'the node' : 'the pod';
  const [main, v6] = await Promise.all([
    ipJsonBatch(
      `reading ${where} for CHECK`,
      netns,
      ['link show', 'route show table main', 'neigh show'],
      {
        details: true,
      },
    ),
    withIpv6
      ? ipJsonBatch(`reading ${where}'s IPv6 routes for CHECK`, netns, ['route show table main'], {
          family: 6,
        })
      : Promise.resolve([]),
  ]);
  return {
    links: readLinks(main[0] ?? []),
    routes: [...readRoutes(main[1] ?? []), ...readRoutes(v6[0] ?? [])],
    neighbours: readNeighbours(main[2] ?? []),
  };
}

async function natTables(plan: Plan): Promise<Partial<Record<Family, string>>> {
  const out: Partial<Record<Family, string>> = {};
  if (!plan.ipMasq) return out;
  for (const f of plan.families) {
    const argv = [f.family === 4 ? 'iptables-save' : 'ip6tables-save', '-t', 'nat'];
    const r = await runCommand(argv);
    out[f.family] = r.code === 0 ? r.stdout : '';
  }
  return out;
}

export async function check(
  rawConf: unknown,
  prevResult: unknown,
  ctx: VethToHostContext,
): Promise<void> {
  checkIdentity(ctx);
  const { conf } = readConf(rawConf);
  const prev = readPrevResult(prevResult, ctx.ifName);
  if (prev.value === undefined) throw configError('prevResult', prev.findings);
  await requireNetns(ctx.netns);
  const names = attachmentNames(ctx.containerId, ctx.ifName, conf.containerInterface);
  const [node, pod] = await Promise.all([
    readNodeFacts(conf.hostInterface === undefined),
    readPodFacts(ctx.netns, false),
  ]);
  // The defaults routeToHost moved are ADD's business; CHECK wants the one via the node.
  const planned = planAttachment({ conf, names, ctx, podIPs: prev.value.podIPs }, { node, pod });
  if (planned.value === undefined)
    throw configError('veth-to-host config', underConfig(planned.findings, CONFIG_FIELD));
  const plan = planned.value;
  const v6 = plan.families.some((f) => f.family === 6);
  const [nodeSeen, podSeen, nat] = await Promise.all([
    observe(undefined, v6),
    observe(ctx.netns, v6),
    natTables(plan),
  ]);
  const found = differences(plan, { node: nodeSeen, pod: podSeen, nat });
  if (found.length > 0)
    throw new CniPluginError(
      CNI_CODES.checkMismatch,
      `veth-to-host CHECK: ${found[0]}`,
      `${found.join('; ')} (DEL and ADD again to repair)`,
    );
}
