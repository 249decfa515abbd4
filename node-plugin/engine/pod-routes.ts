// "default-route" (NPWG v1.3 §4.1.2.1.9): the pod's default route goes via the gateways one
// element names, on that element's interface; the default routes the other attachments (the
// cluster network included) installed for that address family are removed, in the pod and in
// their results, so the network-status reports only the default route the pod really has.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { isPlainObject } from '../../api/common/index.ts';
import { CNI_CODES, CniFailure } from '../cni/cni-error.ts';
import type { CachedDelegate } from './del-cache.ts';

const run = promisify(execFile);

/** `ip` inside the pod's network namespace. */
async function podIp(netns: string, args: readonly string[], input?: string): Promise<string> {
  const child = run('nsenter', [`--net=${netns}`, 'ip', ...args], { timeout: 10_000 });
  if (input !== undefined) child.child.stdin?.end(input);
  const { stdout } = await child;
  return stdout;
}

/** The default destination of a family, spelled so `ip -batch` needs no -4/-6 option. */
function anyDst(family: string): string {
  return family === '6' ? '::/0' : '0.0.0.0/0';
}

interface RouteJson {
  dst?: string;
  gateway?: string;
  dev?: string;
  metric?: number;
}

/** Applies the default-route request, if any element makes one; changes the results in place. */
export async function applyDefaultRoute(netns: string, delegates: CachedDelegate[]): Promise<void> {
  const chosen = delegates.find((d) => d.defaultRoute !== undefined);
  if (chosen === undefined || chosen.defaultRoute === undefined) return;
  const gateways = chosen.defaultRoute;
  const families = (['4', '6'] as const).filter((f) =>
    gateways.some((g) => g.includes(':') === (f === '6')),
  );
  const ours = new Set(delegates.map((d) => d.ifName));
  const lines: string[] = [];
  try {
    for (const family of families) {
      const routes = JSON.parse(
        await podIp(netns, ['-j', `-${family}`, 'route', 'show', 'default']),
      ) as RouteJson[];
      for (const r of routes) {
        if (r.dev === undefined || !ours.has(r.dev)) continue;
        const via = r.gateway === undefined ? '' : ` via ${r.gateway}`;
        const metric = r.metric === undefined ? '' : ` metric ${r.metric}`;
        lines.push(`route del ${anyDst(family)}${via} dev ${r.dev}${metric}`);
      }
    }
    for (const g of gateways)
      lines.push(`route add ${anyDst(g.includes(':') ? '6' : '4')} via ${g} dev ${chosen.ifName}`);
    await podIp(netns, ['-batch', '-'], `${lines.join('\n')}\n`);
  } catch (e) {
    throw new CniFailure(
      CNI_CODES.ioFailure,
      `could not move the default route to ${chosen.ifName} via ${gateways.join(', ')}`,
      (e as Error).message.slice(0, 1000),
    );
  }
  for (const d of delegates) rewriteRoutes(d, families, d === chosen ? gateways : []);
}

function rewriteRoutes(
  d: CachedDelegate,
  families: readonly string[],
  gateways: readonly string[],
): void {
  if (d.result === undefined) return;
  const isDefaultOf = (dst: unknown, family: string): boolean => dst === anyDst(family);
  const routes = Array.isArray(d.result.routes) ? (d.result.routes as unknown[]) : [];
  const kept = routes.filter(
    (r) => !(isPlainObject(r) && families.some((f) => isDefaultOf(r.dst, f))),
  );
  for (const gw of gateways) kept.push({ dst: gw.includes(':') ? '::/0' : '0.0.0.0/0', gw });
  d.result = { ...d.result, routes: kept };
}
