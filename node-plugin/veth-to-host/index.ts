// veth-to-host (seed 004): a chained plugin after macvlan/ipvlan that gives an underlay pod a
// veth pair to its node, so it reaches Service IPs through the host. Served in-process by the
// node agent (see ../plugin-registry.ts). Placeholder until its module lands: every verb fails
// with a CNI error that says so, so nothing half-configured is ever reported as done.
import type { InProcessConf, InProcessContext } from '../plugin-registry.ts';

function notBuilt(verb: string): Error {
  return new Error(
    `veth-to-host ${verb}: this agent build does not include the veth-to-host plugin`,
  );
}

export function add(
  _conf: InProcessConf,
  _prev: unknown,
  _ctx: InProcessContext,
): Promise<unknown> {
  return Promise.reject(notBuilt('ADD'));
}

export function del(_conf: InProcessConf, _ctx: InProcessContext): Promise<unknown> {
  return Promise.reject(notBuilt('DEL'));
}

export function check(
  _conf: InProcessConf,
  _prev: unknown,
  _ctx: InProcessContext,
): Promise<unknown> {
  return Promise.reject(notBuilt('CHECK'));
}
