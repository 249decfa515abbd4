// The node plugin's public face: the node agent (CNI engine, shim socket, node CNI config),
// its uninstall, and the names the shim is installed under.

/** startNodeAgent(options): runs the agent until stop(); NodeAgent / NodeAgentOptions. */
export { startNodeAgent } from './agent/node-agent.ts';
/** The running agent and its options. */
export type { NodeAgent, NodeAgentOptions } from './agent/node-agent.ts';
/** uninstallAgent: removes the node CNI config (and the shim when no pod is attached); ownerDaemonSetDeleted: is a SIGTERM an uninstall? */
export { uninstallAgent, ownerDaemonSetDeleted } from './agent/uninstall.ts';
/** What uninstallAgent did and what it left. */
export type { UninstallOptions, UninstallOutcome } from './agent/uninstall.ts';
/** The names the shim binary is installed under, and the plugin types served in-process. */
export { SHIM_NAMES, IN_PROCESS_TYPES } from './plugin-registry.ts';
