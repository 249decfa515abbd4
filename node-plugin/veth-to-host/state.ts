// What ADD did, kept on disk for DEL: the names (DEL could derive them), which
// families got masquerade rules, and the pod's default routes routeToHost
// moved (which DEL cannot know otherwise). Written before the first change,
// atomically (temp file + rename); removed once DEL or a rollback is done.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Family } from '../../api/net/index.ts';
import { readRoutes, type RouteInfo } from './ip-json.ts';

export interface MovedRoute {
  family: Family;
  route: RouteInfo;
}

export interface AttachmentState {
  version: 1;
  containerId: string;
  ifName: string;
  netns: string;
  hostVeth: string;
  podVeth: string;
  chain: string;
  /** Families whose masquerade rules ADD installs (empty without ipMasq). */
  masqFamilies: Family[];
  movedDefaults: MovedRoute[];
}

/** A state file is a few hundred bytes; anything far larger is not ours. */
const MAX_STATE_BYTES = 256 * 1024;

function stateFile(stateDir: string, hostVeth: string): string {
  return join(stateDir, 'veth-to-host', `${hostVeth}.json`);
}

export async function writeState(stateDir: string, s: AttachmentState): Promise<void> {
  const file = stateFile(stateDir, s.hostVeth);
  await mkdir(join(stateDir, 'veth-to-host'), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(s)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

function isFamily(v: unknown): v is Family {
  return v === 4 || v === 6;
}

/** The state ADD left, or undefined when there is none or it is unreadable
 * (DEL then works from derived names, and cleans both families). */
export async function readState(
  stateDir: string,
  hostVeth: string,
): Promise<AttachmentState | undefined> {
  let text: string;
  try {
    text = await readFile(stateFile(stateDir, hostVeth), 'utf8');
  } catch {
    return undefined;
  }
  if (text.length > MAX_STATE_BYTES) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (o.version !== 1 || o.hostVeth !== hostVeth || typeof o.podVeth !== 'string') return undefined;
  if (typeof o.chain !== 'string' || typeof o.netns !== 'string') return undefined;
  const masq: Family[] = Array.isArray(o.masqFamilies) ? o.masqFamilies.filter(isFamily) : [4, 6];
  const moved: MovedRoute[] = [];
  if (Array.isArray(o.movedDefaults)) {
    for (const m of o.movedDefaults as unknown[]) {
      if (typeof m !== 'object' || m === null) continue;
      const { family, route } = m as { family?: unknown; route?: unknown };
      const r = readRoutes([route])[0];
      if (isFamily(family) && r !== undefined) moved.push({ family, route: r });
    }
  }
  return {
    version: 1,
    containerId: String(o.containerId),
    ifName: String(o.ifName),
    netns: o.netns,
    hostVeth,
    podVeth: o.podVeth,
    chain: o.chain,
    masqFamilies: masq,
    movedDefaults: moved,
  };
}

export async function removeState(stateDir: string, hostVeth: string): Promise<void> {
  await rm(stateFile(stateDir, hostVeth), { force: true });
}
