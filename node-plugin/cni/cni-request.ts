// One CNI invocation as the shim forwards it: the CNI_* environment and the network
// configuration from stdin, checked and parsed once.
import { isPlainObject } from '../../api/common/index.ts';
import { CNI_CODES, CniFailure } from './cni-error.ts';

export const CNI_COMMANDS = ['ADD', 'DEL', 'CHECK', 'GC', 'STATUS', 'VERSION'] as const;
export type CniCommand = (typeof CNI_COMMANDS)[number];

export interface CniRequest {
  command: CniCommand;
  /** CNI_CONTAINERID ("" for GC, STATUS, VERSION). */
  containerId: string;
  /** CNI_NETNS ("" when not given). */
  netns: string;
  /** CNI_IFNAME ("" for GC, STATUS, VERSION). */
  ifName: string;
  /** CNI_ARGS as given (passed on to delegates unchanged). */
  cniArgs: string;
  /** CNI_ARGS split into pairs. */
  args: Readonly<Record<string, string>>;
  /** CNI_PATH split into directories. */
  path: string[];
  /** The network configuration from stdin. */
  config: Record<string, unknown>;
  /** Its cniVersion ("" when missing). */
  cniVersion: string;
}

/** Container IDs as the spec allows them: alphanumerics plus _ . - */
const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,255}$/;
/** Linux interface names: 1-15 bytes, no / or whitespace or :, not . or .. */
const IF_NAME = /^(?!\.{1,2}$)[^/\s:]{1,15}$/;

function invalidEnv(name: string, why: string): CniFailure {
  return new CniFailure(CNI_CODES.invalidEnvironment, `${name} ${why}`);
}

/** `K=V;K2=V2` as pairs; a pair without "=" is an error, as in libcni's skel. */
export function parseCniArgs(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === '') return out;
  for (const pair of raw.split(';')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw invalidEnv('CNI_ARGS', `has ${JSON.stringify(pair.slice(0, 80))}, not K=V`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function required(env: Readonly<Record<string, string>>, name: string): string {
  const v = env[name];
  if (v === undefined || v === '') throw invalidEnv(name, 'is required for this command');
  return v;
}

/** Reads the request; throws CniFailure (4 for the environment, 6 for stdin). */
export function parseCniRequest(env: Readonly<Record<string, string>>, stdin: string): CniRequest {
  const command = env.CNI_COMMAND;
  if (!(CNI_COMMANDS as readonly string[]).includes(command ?? ''))
    throw invalidEnv('CNI_COMMAND', `must be one of ${CNI_COMMANDS.join(', ')}`);
  const cmd = command as CniCommand;
  const perContainer = cmd === 'ADD' || cmd === 'DEL' || cmd === 'CHECK';
  const containerId = perContainer ? required(env, 'CNI_CONTAINERID') : (env.CNI_CONTAINERID ?? '');
  if (perContainer && !CONTAINER_ID.test(containerId))
    throw invalidEnv('CNI_CONTAINERID', 'may hold only letters, digits, "_", "." and "-"');
  const ifName = perContainer ? required(env, 'CNI_IFNAME') : (env.CNI_IFNAME ?? '');
  if (perContainer && !IF_NAME.test(ifName))
    throw invalidEnv(
      'CNI_IFNAME',
      'is not a Linux interface name (1-15 bytes, no "/", ":" or spaces)',
    );
  const netns =
    cmd === 'ADD' || cmd === 'CHECK' ? required(env, 'CNI_NETNS') : (env.CNI_NETNS ?? '');
  if (netns !== '' && !netns.startsWith('/'))
    throw invalidEnv('CNI_NETNS', 'must be an absolute path');
  const cniArgs = env.CNI_ARGS ?? '';
  let config: unknown;
  try {
    config = JSON.parse(stdin);
  } catch (e) {
    throw new CniFailure(
      CNI_CODES.decodeFailure,
      'the network configuration on stdin is not JSON',
      (e as Error).message,
    );
  }
  if (!isPlainObject(config))
    throw new CniFailure(
      CNI_CODES.decodeFailure,
      'the network configuration must be a JSON object',
    );
  return {
    command: cmd,
    containerId,
    netns,
    ifName,
    cniArgs,
    args: parseCniArgs(cniArgs),
    path: (env.CNI_PATH ?? '').split(':').filter((d) => d !== ''),
    config,
    cniVersion: typeof config.cniVersion === 'string' ? config.cniVersion : '',
  };
}
