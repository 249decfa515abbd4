// veth-to-host, the chained plugin that lets underlay (macvlan/ipvlan) pods
// reach the node and what the node reaches for them (Service IPs, the cluster
// network): a veth pair to the node, routes through it both ways, optional
// masquerade. The node agent serves it in-process; no agent code is needed here.

// The verbs: ADD returns prevResult with the veth added; DEL and CHECK return nothing.
export { add } from './add.ts';
export { del } from './del.ts';
export { check } from './check.ts';
// What the runtime gave the call (netns path, ifname, container ID) and the state dir.
export type { VethToHostContext } from './context.ts';
// The error every verb throws: a CNI error result {code, msg, details}, and the codes.
export { CniPluginError, CNI_CODES } from './errors.ts';
// The plugin type the engine dispatches on.
export const VETH_TO_HOST_TYPE = 'veth-to-host';
