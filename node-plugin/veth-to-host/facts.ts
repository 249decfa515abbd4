// Reads what planning needs from the node (this process's namespace) and the
// pod: one `ip -json -batch` process each, plus one per extra IPv6 route read.
import type { Family } from '../../api/net/index.ts';
import { inNetns, mustRun } from './exec.ts';
import { parseJsonLines, readAddresses, readLinks, readRoutes } from './ip-json.ts';
import type { LinkInfo, RouteInfo } from './ip-json.ts';
import type { NodeFacts, PodFacts } from './plan.ts';

/** Runs `ip -json` commands in one process (inside `netns` when given) and returns
 * each command's list. `family` adds -4/-6 for commands that need it (route show). */
export async function ipJsonBatch(
  doing: string,
  netns: string | undefined,
  lines: readonly string[],
  opts: { family?: Family; details?: boolean } = {},
): Promise<unknown[][]> {
  const flags = ['-json'];
  if (opts.details === true) flags.push('-details');
  if (opts.family !== undefined) flags.push(`-${opts.family}`);
  const argv = inNetns(netns, ['ip', ...flags, '-batch', '-']);
  const stdout = await mustRun(doing, argv, { input: `${lines.join('\n')}\n` });
  try {
    return parseJsonLines(stdout);
  } catch (e) {
    throw new Error(
      `${doing}: ${argv.join(' ')} printed output that is not ip -json: ${(e as Error).message}`,
      { cause: e },
    );
  }
}

export interface NodeSnapshot extends NodeFacts {
  /** Every link name on the node. */
  linkNames: Set<string>;
}

/** The node's addresses and default route interfaces (IPv6 only when asked: a second process). */
export async function readNodeFacts(wantIpv6Default: boolean): Promise<NodeSnapshot> {
  const [main, v6] = await Promise.all([
    ipJsonBatch('reading the node’s addresses', undefined, ['addr show', 'route show default']),
    wantIpv6Default
      ? ipJsonBatch('reading the node’s IPv6 default route', undefined, ['route show default'], {
          family: 6,
        })
      : Promise.resolve([[]]),
  ]);
  const [addrList = [], def4 = []] = main;
  const defaultDev: NodeFacts['defaultDev'] = {};
  const d4 = readRoutes(def4).find((r) => r.dev !== undefined)?.dev;
  const d6 = readRoutes(v6[0] ?? []).find((r) => r.dev !== undefined)?.dev;
  if (d4 !== undefined) defaultDev[4] = d4;
  if (d6 !== undefined) defaultDev[6] = d6;
  const linkNames = new Set(readLinks(addrList).map((l) => l.ifname));
  return { addresses: readAddresses(addrList), defaultDev, linkNames };
}

/** The pod's links, and its default routes of both families when `withDefaults`. */
export async function readPodFacts(netns: string, withDefaults: boolean): Promise<PodFacts> {
  const [main, v6] = await Promise.all([
    ipJsonBatch(
      'reading the pod’s interfaces',
      netns,
      withDefaults ? ['link show', 'route show default'] : ['link show'],
    ),
    withDefaults
      ? ipJsonBatch('reading the pod’s IPv6 default route', netns, ['route show default'], {
          family: 6,
        })
      : Promise.resolve([]),
  ]);
  const links: LinkInfo[] = readLinks(main[0] ?? []);
  const defaults: Partial<Record<Family, RouteInfo[]>> = {};
  if (withDefaults) {
    defaults[4] = readRoutes(main[1] ?? []);
    defaults[6] = readRoutes(v6[0] ?? []);
  }
  return { links, defaults };
}
