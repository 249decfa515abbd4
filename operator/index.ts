// The Plexus operator, what the CLI and the dev cluster start.
/** createOperator(options): one replica (informers, controllers, leader election, probes). */
export { createOperator, STATUS_DEBOUNCE_MS } from './operator.ts';
/** Its options and the running replica. */
export type { Operator, OperatorOptions } from './operator.ts';
/** The finalizer on every OverlayNetwork, and the field manager of every write. */
export { FINALIZER } from './controllers/network-controller.ts';
export { FIELD_MANAGER } from './controllers/cluster.ts';
