// A small libcni: runs a network configuration list exactly as a container
// runtime does. ADD runs the plugins in order, each getting the previous
// plugin's result as prevResult; DEL runs them in reverse with the cached ADD
// result; CHECK runs them in order with it. Results are cached per
// (network, container, ifname) like libcni's /var/lib/cni/results.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPlainObject } from '../api/common/index.ts';
import { run } from './proc.ts';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION' | 'STATUS' | 'GC';

export interface ConfList {
  cniVersion: string;
  name: string;
  plugins: Record<string, unknown>[];
  [key: string]: unknown;
}

export interface RuntimeConf {
  containerId: string;
  /** CNI_NETNS: path of the pod's network namespace. */
  netns: string;
  ifName: string;
  /** CNI_ARGS key/value pairs (K8S_POD_NAME, K8S_POD_NAMESPACE, …). */
  args?: Record<string, string>;
  /** Runtime values for plugin capabilities (portMappings, bandwidth, …): injected as runtimeConfig where a plugin declares the capability. */
  capabilityArgs?: Record<string, unknown>;
}

export interface ExecContext {
  /** CNI_PATH: dirs searched for plugin binaries, in order. */
  binDirs: string[];
  /** Run the plugins inside this named network namespace (the simulated host), as a runtime on that host would. */
  hostNetns?: string;
  /** Where results are cached between ADD and DEL/CHECK; no caching when absent. */
  cacheDir?: string;
  timeoutMs?: number;
}

/** A CNI error result (spec "Error" object), or a plugin that failed without one. */
export class CniError extends Error {
  readonly code: number;
  readonly msg: string;
  readonly details: string;
  readonly plugin: string;
  constructor(plugin: string, code: number, msg: string, details: string) {
    super(`CNI plugin ${plugin} failed: [${code}] ${msg}${details ? ` (${details})` : ''}`);
    this.name = 'CniError';
    this.plugin = plugin;
    this.code = code;
    this.msg = msg;
    this.details = details;
  }
}

/** Parses and checks a conflist; throws with a plain message when it is not one. */
export function parseConfList(text: string): ConfList {
  const v = JSON.parse(text) as unknown;
  if (!isPlainObject(v)) throw new Error('conflist is not a JSON object');
  if (typeof v.cniVersion !== 'string') throw new Error('conflist has no cniVersion string');
  if (typeof v.name !== 'string' || v.name === '') throw new Error('conflist has no name');
  if (!Array.isArray(v.plugins) || v.plugins.length === 0)
    throw new Error('conflist has no plugins');
  const plugins: Record<string, unknown>[] = [];
  for (const [i, p] of v.plugins.entries()) {
    if (!isPlainObject(p) || typeof p.type !== 'string' || p.type === '')
      throw new Error(`conflist plugins[${i}] has no type`);
    plugins.push(p);
  }
  return { ...v, cniVersion: v.cniVersion, name: v.name, plugins };
}

export function loadConfList(path: string): ConfList {
  return parseConfList(readFileSync(path, 'utf8'));
}

/**
 * The stdin config for plugin `index` of a list, as libcni builds it: the
 * plugin's own keys plus the list's name and cniVersion, prevResult when there
 * is one, and runtimeConfig for the capabilities the plugin declares.
 */
export function pluginConfig(
  list: ConfList,
  index: number,
  prevResult: unknown,
  capabilityArgs: Record<string, unknown> = {},
): Record<string, unknown> {
  const plugin = list.plugins[index];
  if (!plugin) throw new Error(`conflist ${list.name} has no plugin ${index}`);
  const conf: Record<string, unknown> = { ...plugin, cniVersion: list.cniVersion, name: list.name };
  delete conf.prevResult;
  if (prevResult !== undefined && prevResult !== null) conf.prevResult = prevResult;
  const caps = isPlainObject(plugin.capabilities) ? plugin.capabilities : {};
  const runtimeConfig: Record<string, unknown> = {};
  for (const [cap, enabled] of Object.entries(caps)) {
    if (enabled === true && cap in capabilityArgs) runtimeConfig[cap] = capabilityArgs[cap];
  }
  if (Object.keys(runtimeConfig).length > 0) conf.runtimeConfig = runtimeConfig;
  return conf;
}

/** CNI_ARGS encoding: K=V pairs joined by ';'. */
export function cniArgs(args: Record<string, string> = {}): string {
  return Object.entries(args)
    .map(([k, v]) => `${k}=${v}`)
    .join(';');
}

/** Turns a failed plugin's stdout into a CniError (spec error JSON when present). */
export function errorFromOutput(
  plugin: string,
  exitCode: number,
  stdout: string,
  stderr: string,
): CniError {
  try {
    const v = JSON.parse(stdout) as unknown;
    if (isPlainObject(v) && typeof v.code === 'number') {
      return new CniError(
        plugin,
        v.code,
        typeof v.msg === 'string' ? v.msg : '',
        typeof v.details === 'string' ? v.details : '',
      );
    }
  } catch {
    // not JSON
  }
  return new CniError(
    plugin,
    999,
    `exit ${exitCode} without an error result`,
    (stderr || stdout).trim().slice(0, 2000),
  );
}

/** Finds a plugin binary in the CNI_PATH dirs. */
export function findPlugin(type: string, binDirs: readonly string[]): string {
  if (type.includes('/')) throw new Error(`plugin type ${type} may not contain "/"`);
  for (const d of binDirs) {
    const p = join(d, type);
    if (existsSync(p)) return p;
  }
  throw new CniError(type, 999, `plugin ${type} not found in ${binDirs.join(':')}`, '');
}

/** Executes one plugin with one command; returns its parsed stdout (undefined when empty, e.g. DEL). */
export async function execPlugin(
  command: CniCommand,
  config: Record<string, unknown>,
  rt: RuntimeConf,
  ctx: ExecContext,
): Promise<unknown> {
  const type = String(config.type);
  const bin = findPlugin(type, ctx.binDirs);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    CNI_COMMAND: command,
    CNI_CONTAINERID: rt.containerId,
    CNI_NETNS: rt.netns,
    CNI_IFNAME: rt.ifName,
    CNI_ARGS: cniArgs(rt.args),
    CNI_PATH: ctx.binDirs.join(':'),
  };
  const [cmd, args] = ctx.hostNetns ? ['ip', ['netns', 'exec', ctx.hostNetns, bin]] : [bin, []];
  const res = await run(cmd, args as string[], {
    input: JSON.stringify(config),
    env,
    allowFail: true,
    timeoutMs: ctx.timeoutMs ?? 60_000,
  });
  if (res.code !== 0) throw errorFromOutput(type, res.code, res.stdout, res.stderr);
  const out = res.stdout.trim();
  return out === '' ? undefined : (JSON.parse(out) as unknown);
}

function cacheFile(ctx: ExecContext, list: ConfList, rt: RuntimeConf): string | undefined {
  if (!ctx.cacheDir) return undefined;
  return join(ctx.cacheDir, 'results', `${list.name}-${rt.containerId}-${rt.ifName}`);
}

/** The cached ADD result for (network, container, ifname), if any. */
export function cachedResult(list: ConfList, rt: RuntimeConf, ctx: ExecContext): unknown {
  const f = cacheFile(ctx, list, rt);
  if (!f || !existsSync(f)) return undefined;
  const v = JSON.parse(readFileSync(f, 'utf8')) as unknown;
  return isPlainObject(v) ? v.result : undefined;
}

/** ADD: plugins in order, prevResult chained. Returns the last plugin's result, cached for DEL/CHECK. */
export async function addNetworkList(
  list: ConfList,
  rt: RuntimeConf,
  ctx: ExecContext,
): Promise<unknown> {
  let prev: unknown = undefined;
  for (let i = 0; i < list.plugins.length; i++) {
    prev = await execPlugin('ADD', pluginConfig(list, i, prev, rt.capabilityArgs), rt, ctx);
  }
  const f = cacheFile(ctx, list, rt);
  if (f) {
    mkdirSync(join(ctx.cacheDir ?? '', 'results'), { recursive: true });
    const tmp = `${f}.tmp`;
    writeFileSync(
      tmp,
      JSON.stringify({
        kind: 'cniCacheV1',
        containerId: rt.containerId,
        ifName: rt.ifName,
        networkName: list.name,
        result: prev,
      }),
    );
    renameSync(tmp, f);
  }
  return prev;
}

/** DEL: plugins in reverse order, each given the cached ADD result (when there is one) as prevResult. */
export async function delNetworkList(
  list: ConfList,
  rt: RuntimeConf,
  ctx: ExecContext,
  prevResult?: unknown,
): Promise<void> {
  const prev = prevResult ?? cachedResult(list, rt, ctx);
  for (let i = list.plugins.length - 1; i >= 0; i--) {
    await execPlugin('DEL', pluginConfig(list, i, prev, rt.capabilityArgs), rt, ctx);
  }
  const f = cacheFile(ctx, list, rt);
  if (f) rmSync(f, { force: true });
}

/** CHECK: plugins in order with the cached ADD result; throws CniError when a plugin finds a problem. */
export async function checkNetworkList(
  list: ConfList,
  rt: RuntimeConf,
  ctx: ExecContext,
  prevResult?: unknown,
): Promise<void> {
  const prev = prevResult ?? cachedResult(list, rt, ctx);
  if (prev === undefined)
    throw new CniError(list.name, 999, 'no cached ADD result to CHECK against', '');
  for (let i = 0; i < list.plugins.length; i++) {
    await execPlugin('CHECK', pluginConfig(list, i, prev, rt.capabilityArgs), rt, ctx);
  }
}
