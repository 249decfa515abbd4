// What every verb checks first: the runtime's values (container ID, ifname,
// netns path, state dir) and the plugin config with its CNI version.
import { statfs } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { interfaceNameProblem } from '../../api/common/index.ts';
import { readVethToHostConf, SUPPORTED_CNI_VERSIONS } from '../../api/cni/index.ts';
import type { VethToHostConf } from '../../api/cni/index.ts';
import { CniPluginError, CNI_CODES, configError } from './errors.ts';

/** What the runtime gave the call (CNI_NETNS, CNI_IFNAME, CNI_CONTAINERID) and where state goes. */
export interface VethToHostContext {
  /** Path of the pod's network namespace; DEL accepts "" or a path that is gone. */
  netns: string;
  /** CNI_IFNAME: the interface the plugin before created (e.g. net1). */
  ifName: string;
  containerId: string;
  /** Where DEL finds what ADD did; without it DEL works from derived names alone. */
  stateDir?: string;
}

/** The field path findings carry, so a message reads `veth-to-host.hostIP: …`. */
export const CONFIG_FIELD = 'veth-to-host';

/** libcni's rule for container IDs; the length cap keeps file names and comments short. */
const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** statfs f_type of nsfs: a file that really is a namespace (not a FIFO that would block). */
const NSFS_MAGIC = 0x6e736673;

function envError(variable: string, problem: string): CniPluginError {
  return new CniPluginError(CNI_CODES.invalidEnvironment, `${variable} ${problem}`);
}

/** Throws the CNI error for a container ID or ifname no plugin should accept. */
export function checkIdentity(ctx: VethToHostContext): void {
  if (typeof ctx.containerId !== 'string' || !CONTAINER_ID.test(ctx.containerId))
    throw envError(
      'CNI_CONTAINERID',
      'must be 1–128 letters, digits, "_", "." or "-", starting with a letter or digit',
    );
  const problem =
    typeof ctx.ifName === 'string' ? interfaceNameProblem(ctx.ifName) : 'must be a string';
  if (problem !== undefined) throw envError('CNI_IFNAME', problem);
  if (ctx.stateDir !== undefined && !(typeof ctx.stateDir === 'string' && isAbsolute(ctx.stateDir)))
    throw envError('the state dir', 'must be an absolute path');
}

/** True when `path` is a namespace file; false when nothing is there. Throws for anything else. */
export async function netnsExists(path: string): Promise<boolean> {
  if (path === '') return false;
  if (!isAbsolute(path))
    throw envError('CNI_NETNS', `${JSON.stringify(path)} must be an absolute path`);
  let type: number;
  try {
    type = (await statfs(path)).type;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw envError('CNI_NETNS', `${path} cannot be read: ${(e as Error).message}`);
  }
  if (type !== NSFS_MAGIC)
    throw envError('CNI_NETNS', `${path} is not a network namespace (it is on no nsfs)`);
  return true;
}

/** Like netnsExists, for ADD and CHECK, which need the pod. */
export async function requireNetns(path: string): Promise<void> {
  if (!(await netnsExists(path)))
    throw new CniPluginError(
      CNI_CODES.unknownContainer,
      `CNI_NETNS ${JSON.stringify(path)}: the pod's network namespace does not exist`,
    );
}

export interface ReadConf {
  conf: VethToHostConf;
  cniVersion: string;
}

/** The config read once; throws the CNI error (1 for the version, 7 for a field). */
export function readConf(raw: unknown): ReadConf {
  const cniVersion =
    typeof raw === 'object' && raw !== null
      ? (raw as { cniVersion?: unknown }).cniVersion
      : undefined;
  if (
    typeof cniVersion !== 'string' ||
    !(SUPPORTED_CNI_VERSIONS as readonly string[]).includes(cniVersion)
  )
    throw new CniPluginError(
      CNI_CODES.incompatibleVersion,
      `veth-to-host does not speak cniVersion ${JSON.stringify(cniVersion ?? null)}`,
      `supported: ${SUPPORTED_CNI_VERSIONS.join(', ')}`,
    );
  const r = readVethToHostConf(raw, CONFIG_FIELD);
  if (r.value === undefined) throw configError('veth-to-host config', r.findings);
  return { conf: r.value, cniVersion };
}
