// Network namespace plumbing through iproute2: named namespaces, commands run
// inside them, and `ip -batch` for many link/address changes in one process.
import { run } from './proc.ts';
import type { RunResult } from './proc.ts';
import { listNetns } from './run.ts';

export { listNetns };

/** Path runtimes pass as CNI_NETNS for a named namespace. */
export function netnsPath(name: string): string {
  return `/var/run/netns/${name}`;
}

export async function createNetns(name: string): Promise<void> {
  await run('ip', ['netns', 'add', name]);
  await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

/** Deletes a namespace; one that is already gone is fine. */
export async function deleteNetns(name: string): Promise<void> {
  const res = await run('ip', ['netns', 'delete', name], { allowFail: true });
  if (res.code !== 0 && !/No such file|does not exist|Invalid argument/i.test(res.stderr)) {
    throw new Error(`ip netns delete ${name}: ${res.stderr.trim()}`);
  }
}

/** Runs a command inside a namespace. */
export function nsExec(
  ns: string,
  cmd: string,
  args: readonly string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; allowFail?: boolean; timeoutMs?: number } = {},
): Promise<RunResult> {
  return run('ip', ['netns', 'exec', ns, cmd, ...args], opts);
}

/** Runs many `ip` commands (one per line, without the leading "ip") in one process, inside ns when given. */
export async function ipBatch(ns: string | null, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  const args = ns === null ? ['-batch', '-'] : ['-n', ns, '-batch', '-'];
  await run('ip', args, { input: `${lines.join('\n')}\n` });
}

/** `ip -json …` inside ns, parsed. */
export async function ipJson(ns: string | null, args: readonly string[]): Promise<unknown> {
  const res = await run('ip', [...(ns === null ? [] : ['-n', ns]), '-json', ...args]);
  return res.stdout.trim() === '' ? [] : (JSON.parse(res.stdout) as unknown);
}

export interface IpAddress {
  ifname: string;
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
}

/** Addresses of a namespace (or one interface of it). */
export async function addresses(ns: string, ifname?: string): Promise<IpAddress[]> {
  const data = await ipJson(ns, ['addr', 'show', ...(ifname ? ['dev', ifname] : [])]);
  const out: IpAddress[] = [];
  if (!Array.isArray(data)) return out;
  for (const link of data as unknown[]) {
    if (typeof link !== 'object' || link === null) continue;
    const l = link as { ifname?: unknown; addr_info?: unknown };
    if (typeof l.ifname !== 'string' || !Array.isArray(l.addr_info)) continue;
    for (const a of l.addr_info as unknown[]) {
      if (typeof a !== 'object' || a === null) continue;
      const ai = a as { family?: unknown; local?: unknown; prefixlen?: unknown };
      if (
        (ai.family === 'inet' || ai.family === 'inet6') &&
        typeof ai.local === 'string' &&
        typeof ai.prefixlen === 'number'
      ) {
        out.push({ ifname: l.ifname, family: ai.family, local: ai.local, prefixlen: ai.prefixlen });
      }
    }
  }
  return out;
}

/** Pings from inside ns; true when at least one reply came back. Bounded: count and deadline are fixed. */
export async function ping(
  ns: string,
  target: string,
  opts: { count?: number; deadlineSeconds?: number } = {},
): Promise<boolean> {
  const count = opts.count ?? 2;
  const deadline = opts.deadlineSeconds ?? 5;
  const res = await nsExec(
    ns,
    'ping',
    ['-n', '-q', '-c', String(count), '-i', '0.2', '-w', String(deadline), target],
    {
      allowFail: true,
      timeoutMs: (deadline + 5) * 1000,
    },
  );
  return res.code === 0;
}
