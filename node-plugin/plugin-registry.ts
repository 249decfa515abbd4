// The plugin types the node agent serves in its own process instead of executing a binary:
// a delegate whose type is registered here runs through its module's add/del/check, every
// other type through the binary of that name in the CNI bin dir. The shim is installed under
// each registered name too, so a runtime that runs one of them directly (a chained conflist on
// the node, as in seed 004) reaches the same code through the agent.
import { PLEXUS_META_TYPE } from '../api/cni/index.ts';
import * as vethToHost from './veth-to-host/index.ts';

/** What a plugin gets besides its config, from the CNI environment of the request. */
export interface InProcessContext {
  /** CNI_NETNS: the pod's network namespace path; "" on a DEL after the namespace is gone. */
  netns: string;
  /** CNI_IFNAME. */
  ifName: string;
  /** CNI_CONTAINERID. */
  containerId: string;
  /** A directory of the agent's state dir for this plugin type (what its DEL needs across
   * agent restarts); absent when the agent has none. */
  stateDir?: string;
}

/** A plugin config as a plugin receives it on stdin: its own keys plus name, cniVersion,
 * runtimeConfig and args as libcni builds them (prevResult is passed separately). */
export type InProcessConf = Record<string, unknown> & { type: string };

/**
 * One in-process plugin. `add` resolves with the CNI result (the spec's result object, at the
 * conf's cniVersion); `del` and `check` resolve when done. A failure is thrown as an Error;
 * a numeric `code` on it is the CNI error code (spec §"Error"), `details` the details; any
 * other error is reported with code 999 and its message.
 */
export interface InProcessPlugin {
  add(conf: InProcessConf, prevResult: unknown, ctx: InProcessContext): Promise<unknown>;
  del(conf: InProcessConf, prevResult: unknown, ctx: InProcessContext): Promise<unknown>;
  check(conf: InProcessConf, prevResult: unknown, ctx: InProcessContext): Promise<unknown>;
}

const REGISTRY: ReadonlyMap<string, InProcessPlugin> = new Map<string, InProcessPlugin>([
  [
    'veth-to-host',
    // Its DEL needs no prevResult: the names derive from the container and ifname.
    {
      add: (conf, prev, ctx) => vethToHost.add(conf, prev, ctx),
      del: (conf, _prev, ctx) => vethToHost.del(conf, ctx),
      check: (conf, prev, ctx) => vethToHost.check(conf, prev, ctx),
    },
  ],
]);

/** The in-process plugin serving `type`, or undefined when a binary serves it. */
export function inProcessPlugin(type: string): InProcessPlugin | undefined {
  return REGISTRY.get(type);
}

/** Every type served in-process, in a fixed order. */
export const IN_PROCESS_TYPES: readonly string[] = [...REGISTRY.keys()].sort();

/** Plugin types the overlay data plane will serve in-process; the shim is installed for them
 * already, so a NAD written for them fails with the agent's message, never "not found". */
const RESERVED_TYPES: readonly string[] = ['plexus-overlay'];

/** The names the shim binary is installed under: the meta plugin and every agent-served type.
 * The agent never executes a binary of these names as a delegate (it would call itself). */
export const SHIM_NAMES: readonly string[] = [
  ...new Set([PLEXUS_META_TYPE, ...RESERVED_TYPES, ...IN_PROCESS_TYPES]),
].sort();
