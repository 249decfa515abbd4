// Runs one delegate network (a CNI config list) the way libcni does: each plugin gets the
// list's name, the version negotiated with that plugin, the previous plugin's result converted
// to that version, and runtimeConfig for the capabilities it declares. Plugin types served by
// the agent run in-process (plugin-registry.ts); every other type runs its binary.
import { join } from 'node:path';
import { SUPPORTED_CNI_VERSIONS } from '../../api/cni/index.ts';
import type { PluginConf } from '../../api/cni/index.ts';
import { isPlainObject } from '../../api/common/index.ts';
import { CNI_CODES, CniFailure, toCniFailure } from '../cni/cni-error.ts';
import type { CniCommand } from '../cni/cni-request.ts';
import { convertResult } from '../cni/cni-result.ts';
import type { CniResult } from '../cni/cni-result.ts';
import { VersionCache } from '../cni/version-negotiation.ts';
import { inProcessPlugin, SHIM_NAMES } from '../plugin-registry.ts';
import type { InProcessConf, InProcessContext, InProcessPlugin } from '../plugin-registry.ts';
import { execPluginBinary, findPluginBinary } from './plugin-binary.ts';
import type { PluginEnv } from './plugin-binary.ts';

/** A delegate network as it runs: always a list (a single plugin is a list of one). */
export interface DelegateNetwork {
  name: string;
  cniVersion: string;
  plugins: PluginConf[];
  disableCheck?: boolean;
  disableGC?: boolean;
}

/** One attachment of a network: the tuple CNI keys it by, and what the runtime passes. */
export interface AttachmentTarget {
  containerId: string;
  netns: string;
  ifName: string;
  cniArgs: string;
  /** Capability values, passed as runtimeConfig to plugins declaring the capability. */
  capabilityArgs: Record<string, unknown>;
}

export interface GcAttachment {
  containerID: string;
  ifname: string;
}

export interface RunnerOptions {
  /** Where plugin binaries are looked up (and CNI_PATH for them). */
  binDirs: readonly string[];
  /** Where in-process plugins keep state: <dir>/<type>; none when absent. */
  pluginStateDir?: string;
  /** Per plugin call; default 60 s. */
  timeoutMs?: number;
}

/** One plugin resolved for a call: how to run it and the version to speak. */
interface Resolved {
  type: string;
  version: string;
  inProcess?: InProcessPlugin;
  bin?: string;
}

export class NetworkRunner {
  readonly versions: VersionCache;
  private readonly opts: RunnerOptions;
  /** Plugin processes started (VERSION probes included). */
  execs = 0;

  constructor(opts: RunnerOptions) {
    this.opts = opts;
    this.versions = new VersionCache((bin, requested) => {
      this.execs++;
      return execPluginBinary(
        bin,
        { ...NO_ATTACHMENT, command: 'VERSION', path: this.opts.binDirs },
        JSON.stringify({ cniVersion: requested }),
        { timeoutMs: 10_000 },
      );
    });
  }

  /** ADD: plugins in order, each given the previous result; the last result, in the list's version. */
  async add(net: DelegateNetwork, at: AttachmentTarget): Promise<CniResult> {
    let prev: CniResult | undefined;
    for (const plugin of net.plugins) {
      const r = await this.resolve(plugin, net.cniVersion);
      const out = await this.call(
        'ADD',
        r,
        { conf: this.conf(net, plugin, r, at.capabilityArgs), prev },
        at,
      );
      // A chained plugin that prints nothing passes the previous result on.
      if (out !== undefined) prev = convertResult(out, r.version);
    }
    return convertResult(prev, net.cniVersion);
  }

  /** DEL: plugins in reverse order, each tried; throws the first failure, naming the others. */
  async del(net: DelegateNetwork, at: AttachmentTarget, prevResult?: unknown): Promise<void> {
    const failures: CniFailure[] = [];
    for (const plugin of [...net.plugins].reverse()) {
      try {
        const r = await this.resolve(plugin, net.cniVersion);
        await this.call(
          'DEL',
          r,
          { conf: this.conf(net, plugin, r, at.capabilityArgs), prev: prevResult },
          at,
        );
      } catch (e) {
        failures.push(toCniFailure(e));
      }
    }
    throwFirst(failures);
  }

  /** CHECK: plugins in order with the ADD result; skipped when the list disables it. */
  async check(net: DelegateNetwork, at: AttachmentTarget, prevResult: unknown): Promise<void> {
    if (net.disableCheck === true) return;
    for (const plugin of net.plugins) {
      const r = await this.resolve(plugin, net.cniVersion);
      await this.call(
        'CHECK',
        r,
        { conf: this.conf(net, plugin, r, at.capabilityArgs), prev: prevResult },
        at,
      );
    }
  }

  /** GC with the attachments still valid; only plugins that speak 1.1.0 get it. */
  async gc(net: DelegateNetwork, valid: readonly GcAttachment[]): Promise<void> {
    if (net.disableGC === true) return;
    const failures: CniFailure[] = [];
    for (const plugin of net.plugins) {
      try {
        const r = await this.resolve(plugin, '1.1.0');
        if (r.version !== '1.1.0' || r.inProcess !== undefined) continue;
        const conf = { ...this.conf(net, plugin, r, {}), 'cni.dev/valid-attachments': valid };
        await this.call('GC', r, { conf, prev: undefined }, NO_ATTACHMENT);
      } catch (e) {
        failures.push(toCniFailure(e));
      }
    }
    throwFirst(failures);
  }

  /** STATUS of each plugin that speaks 1.1.0; the first failure is the answer. */
  async status(net: DelegateNetwork): Promise<void> {
    for (const plugin of net.plugins) {
      const r = await this.resolve(plugin, '1.1.0');
      if (r.version !== '1.1.0' || r.inProcess !== undefined) continue;
      await this.call(
        'STATUS',
        r,
        { conf: this.conf(net, plugin, r, {}), prev: undefined },
        NO_ATTACHMENT,
      );
    }
  }

  /** The context an in-process plugin of `type` gets for an attachment. */
  inProcessContext(
    type: string,
    at: Pick<AttachmentTarget, 'netns' | 'ifName' | 'containerId'>,
  ): InProcessContext {
    const ctx: InProcessContext = {
      netns: at.netns,
      ifName: at.ifName,
      containerId: at.containerId,
    };
    if (this.opts.pluginStateDir !== undefined) ctx.stateDir = join(this.opts.pluginStateDir, type);
    return ctx;
  }

  private async resolve(plugin: PluginConf, requested: string): Promise<Resolved> {
    const type = plugin.type;
    const inProcess = inProcessPlugin(type);
    if (inProcess !== undefined) {
      const version = SUPPORTED_CNI_VERSIONS.includes(requested as never) ? requested : '1.0.0';
      return { type, version, inProcess };
    }
    if (SHIM_NAMES.includes(type)) {
      throw new CniFailure(
        CNI_CODES.invalidConfig,
        `plugin type ${type} is served by the Plexus agent itself and cannot be a delegate here`,
      );
    }
    const bin = findPluginBinary(type, this.opts.binDirs);
    return { type, version: await this.versions.negotiate(bin, type, requested), bin };
  }

  /** The stdin config of one plugin, as libcni builds it (prevResult added by call()). */
  private conf(
    net: DelegateNetwork,
    plugin: PluginConf,
    r: Resolved,
    capabilityArgs: Record<string, unknown>,
  ): InProcessConf {
    const conf: InProcessConf = { ...plugin, name: net.name, cniVersion: r.version };
    delete conf.prevResult;
    const caps = isPlainObject(plugin.capabilities) ? plugin.capabilities : {};
    const runtimeConfig: Record<string, unknown> = {};
    for (const [cap, on] of Object.entries(caps))
      if (on === true && Object.hasOwn(capabilityArgs, cap))
        runtimeConfig[cap] = capabilityArgs[cap];
    if (Object.keys(runtimeConfig).length > 0) conf.runtimeConfig = runtimeConfig;
    return conf;
  }

  private async call(
    command: CniCommand,
    r: Resolved,
    input: { conf: InProcessConf; prev: unknown },
    at: Omit<AttachmentTarget, 'capabilityArgs'>,
  ): Promise<unknown> {
    const { conf, prev } = input;
    const prevResult = prev === undefined ? undefined : convertResult(prev, r.version);
    if (r.inProcess !== undefined)
      return this.callInProcess(command, r, { conf, prev: prevResult }, at);
    const stdin = JSON.stringify(prevResult === undefined ? conf : { ...conf, prevResult });
    const env: PluginEnv = { command, ...at, path: this.opts.binDirs };
    this.execs++;
    return execPluginBinary(r.bin as string, env, stdin, { timeoutMs: this.opts.timeoutMs });
  }

  private async callInProcess(
    command: CniCommand,
    r: Resolved,
    input: { conf: InProcessConf; prev: unknown },
    at: Omit<AttachmentTarget, 'capabilityArgs'>,
  ): Promise<unknown> {
    const { conf, prev: prevResult } = input;
    const plugin = r.inProcess as InProcessPlugin;
    const ctx = this.inProcessContext(r.type, at);
    try {
      if (command === 'ADD') return await plugin.add(conf, prevResult, ctx);
      if (command === 'DEL') return void (await plugin.del(conf, prevResult, ctx));
      if (command === 'CHECK') return void (await plugin.check(conf, prevResult, ctx));
    } catch (e) {
      throw toCniFailure(e, `plugin ${r.type}`);
    }
    return undefined;
  }
}

const NO_ATTACHMENT = { containerId: '', netns: '', ifName: '', cniArgs: '' };

function throwFirst(failures: readonly CniFailure[]): void {
  const first = failures[0];
  if (first === undefined) return;
  if (failures.length === 1) throw first;
  const rest = failures.slice(1).map((f) => f.message);
  throw new CniFailure(first.code, first.msg, [first.details, ...rest].filter(Boolean).join('; '));
}
