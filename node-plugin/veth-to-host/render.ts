// The commands of one attachment as text: `ip -batch` lines for the pod and the
// node, and iptables-restore input for the masquerade chain. Pure, so the
// exact commands are unit-tested; every name in them is batch-safe (names.ts).
import type { Family } from '../../api/net/index.ts';
import type { RouteInfo } from './ip-json.ts';
import type { FamilyPlan, Plan } from './plan.ts';

function hostPrefix(ip: string, family: Family): string {
  return `${ip}/${family === 4 ? 32 : 128}`;
}

function defaultDst(family: Family): string {
  return family === 4 ? '0.0.0.0/0' : '::/0';
}

/** A route's destination as `ip route` takes it back. */
function routeDst(r: RouteInfo, family: Family): string {
  return r.dst === 'default' ? defaultDst(family) : r.dst;
}

/** `route del` for a route as ip -json printed it (its key: dst, gateway, dev, metric). */
export function routeDelLine(r: RouteInfo, family: Family): string {
  const parts = ['route del', routeDst(r, family)];
  if (r.gateway !== undefined) parts.push('via', r.gateway);
  if (r.dev !== undefined) parts.push('dev', r.dev);
  if (r.metric !== undefined) parts.push('metric', String(r.metric));
  return parts.join(' ');
}

/** `route replace` that puts a route back as ip -json printed it. */
export function routeRestoreLine(r: RouteInfo, family: Family): string {
  const parts = ['route replace', routeDst(r, family)];
  if (r.gateway !== undefined) parts.push('via', r.gateway);
  if (r.dev !== undefined) parts.push('dev', r.dev);
  if (r.protocol !== undefined) parts.push('proto', r.protocol);
  if (r.scope !== undefined) parts.push('scope', r.scope);
  if (r.metric !== undefined) parts.push('metric', String(r.metric));
  if (r.prefsrc !== undefined) parts.push('src', r.prefsrc);
  if (r.flags.includes('onlink')) parts.push('onlink');
  return parts.join(' ');
}

/** The pod's routes of one family through the veth: the node (on-link, with a
 * permanent neighbour so no ARP/ND crosses the veth), then the networks via it,
 * then (routeToHost) the default route moved onto it. */
function podFamilyLines(plan: Plan, f: FamilyPlan): string[] {
  const dev = plan.names.podVeth;
  const src = `src ${f.podIP}`;
  const scope = f.family === 4 ? ' scope link' : '';
  const lines = [
    `neigh replace ${f.hostIP} lladdr ${plan.names.hostMac} dev ${dev} nud permanent`,
    `route add ${hostPrefix(f.hostIP, f.family)} dev ${dev}${scope} ${src}`,
    ...f.cidrs.map((c) => `route add ${c} via ${f.hostIP} dev ${dev} ${src}`),
  ];
  if (f.movedDefaults !== undefined) {
    for (const r of f.movedDefaults) lines.push(routeDelLine(r, f.family));
    lines.push(`route add ${defaultDst(f.family)} via ${f.hostIP} dev ${dev} ${src}`);
  }
  return lines;
}

/** Run inside the pod: creates the pair (the host end goes to `hostNetns`, a path
 * to the node's namespace), brings the pod end up and routes through it. */
export function podAddBatch(plan: Plan, hostNetns: string): string[] {
  const { names, mtu } = plan;
  return [
    `link add ${names.podVeth} mtu ${mtu} address ${names.podMac} type veth` +
      ` peer name ${names.hostVeth} mtu ${mtu} address ${names.hostMac} netns ${hostNetns}`,
    `link set ${names.podVeth} up`,
    ...plan.families.flatMap((f) => podFamilyLines(plan, f)),
  ];
}

/** Run on the node: brings the host end up and routes each pod address back through it. */
export function hostAddBatch(plan: Plan): string[] {
  const dev = plan.names.hostVeth;
  const lines = [`link set ${dev} up`];
  for (const f of plan.families) {
    const scope = f.family === 4 ? ' scope link' : '';
    for (const ip of f.podIPs) {
      lines.push(`neigh replace ${ip} lladdr ${plan.names.podMac} dev ${dev} nud permanent`);
      lines.push(`route add ${hostPrefix(ip, f.family)} dev ${dev}${scope} src ${f.hostIP}`);
    }
  }
  return lines;
}

/** Run inside the pod (with -force) to put moved default routes back. */
export function restoreDefaultsBatch(moved: readonly { family: Family; route: RouteInfo }[]) {
  return moved.map((m) => routeRestoreLine(m.route, m.family));
}

/** Text safe inside a double-quoted iptables-restore argument. */
function commentText(text: string): string {
  return text.replace(/[^A-Za-z0-9_.:@+=/ -]/g, '_').slice(0, 200);
}

export interface MasqInput {
  chain: string;
  family: Family;
  podIPs: readonly string[];
  /** Says whose rules these are in iptables-save output. */
  comment: string;
}

/** iptables-restore --noflush input: the attachment's own nat chain (multicast
 * untouched, everything else masqueraded) and one jump per pod address from
 * POSTROUTING. Traffic the pod sends through the veth and the node forwards leaves
 * with the node's address, so replies come back through the node, which undoes
 * the Service DNAT; without it a backend on the underlay answers the pod directly. */
export function masqRestoreInput(m: MasqInput): string {
  const multicast = m.family === 4 ? '224.0.0.0/4' : 'ff00::/8';
  const comment = commentText(m.comment);
  return [
    '*nat',
    `:${m.chain} - [0:0]`,
    `-A ${m.chain} -d ${multicast} -j RETURN`,
    `-A ${m.chain} -j MASQUERADE`,
    ...m.podIPs.map(
      (ip) =>
        `-A POSTROUTING -s ${hostPrefix(ip, m.family)} -m comment --comment "${comment}" -j ${m.chain}`,
    ),
    'COMMIT',
    '',
  ].join('\n');
}

/** iptables-restore --noflush input removing exactly `chain` and every rule that
 * jumps to it, read from `iptables-save -t nat` output; undefined when neither exists. */
export function masqCleanupInput(saved: string, chain: string): string | undefined {
  const deletes: string[] = [];
  let exists = false;
  for (const line of saved.split('\n')) {
    if (line.startsWith(`:${chain} `)) exists = true;
    else if (
      line.startsWith('-A ') &&
      (line.endsWith(` -j ${chain}`) || line.includes(` -j ${chain} `))
    )
      deletes.push(`-D ${line.slice(3)}`);
  }
  if (!exists && deletes.length === 0) return undefined;
  const lines = ['*nat', ...deletes];
  if (exists) lines.push(`-F ${chain}`, `-X ${chain}`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}
