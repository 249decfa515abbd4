// An OverlayNetwork's status from what the operator observed: subnet usage,
// the NADs using it and three standard conditions, so `kubectl get onet` and
// `kubectl wait --for=condition=Ready` tell the truth.
//   Ready            every selected Ready node holds a lease and the etcd config is in place
//   Degraded         something needs a person: a bad spec, a config conflict, nodes without
//                    an address, a NAD name taken, a VNI old flanneld cannot read
//   SubnetsExhausted selected nodes wait because every subnet is leased
// A condition keeps its lastTransitionTime while its status stays the same.
import type { Condition } from '../resources/common.ts';
import type { OverlayNetworkStatus } from '../resources/overlay-network.ts';

export const READY = 'Ready';
export const DEGRADED = 'Degraded';
export const SUBNETS_EXHAUSTED = 'SubnetsExhausted';

/** A problem with a CamelCase reason and a sentence for a person. */
export interface StatusProblem {
  reason: string;
  message: string;
}

export interface OverlayObservation {
  generation: number;
  etcdPrefix?: string;
  /** The spec does not resolve (no webhook stopped it): nothing is done for the network. */
  specProblem?: StatusProblem;
  /** `<prefix>/config` could not be put in place. */
  configProblem?: StatusProblem;
  deleting?: boolean;
  capacity: number;
  /** Subnets Plexus leased in this network. */
  allocated: number;
  /** Leases someone else holds under the prefix. */
  foreignLeases: number;
  /** Selected, Ready nodes with an address: the ones that should hold a lease. */
  eligibleNodes: number;
  /** Of those, the ones that hold one. */
  leasedNodes: number;
  /** Of those, the ones that wait because no subnet is free. */
  waitingForSubnet: number;
  /** Problems that do not stop the network (nodes without an address, NAD names taken, …). */
  warnings: StatusProblem[];
  nads: { generated: number; total: number };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function exhausted(o: OverlayObservation): Omit<Condition, 'lastTransitionTime'> {
  const usage = `${o.allocated} of ${o.capacity} subnets leased by Plexus${o.foreignLeases > 0 ? `, ${o.foreignLeases} by others` : ''}`;
  if (o.waitingForSubnet === 0)
    return { type: SUBNETS_EXHAUSTED, status: 'False', reason: 'SubnetsAvailable', message: usage };
  return {
    type: SUBNETS_EXHAUSTED,
    status: 'True',
    reason: 'NoFreeSubnet',
    message: `${plural(o.waitingForSubnet, 'selected node waits', 'selected nodes wait')} for a subnet: ${usage}. Grow spec.network (to a network that contains it), or take nodes out with spec.nodeSelector`,
  };
}

function degraded(o: OverlayObservation): Omit<Condition, 'lastTransitionTime'> {
  const problems = [o.specProblem, o.configProblem, ...o.warnings].filter(
    (p): p is StatusProblem => p !== undefined,
  );
  const first = problems[0];
  if (first === undefined)
    return { type: DEGRADED, status: 'False', reason: 'AsExpected', message: 'no problem seen' };
  return {
    type: DEGRADED,
    status: 'True',
    reason: first.reason,
    message: problems.map((p) => p.message).join('; '),
  };
}

function ready(o: OverlayObservation): Omit<Condition, 'lastTransitionTime'> {
  const no = (reason: string, message: string): Omit<Condition, 'lastTransitionTime'> => ({
    type: READY,
    status: 'False',
    reason,
    message,
  });
  if (o.deleting)
    return no('Deleting', 'the network is being deleted: leases, config and NADs are removed');
  if (o.specProblem) return no(o.specProblem.reason, o.specProblem.message);
  if (o.configProblem) return no(o.configProblem.reason, o.configProblem.message);
  if (o.waitingForSubnet > 0)
    return no(
      'SubnetsExhausted',
      `${o.leasedNodes} of ${plural(o.eligibleNodes, 'selected node')} hold a subnet; the others wait for a free one`,
    );
  if (o.leasedNodes < o.eligibleNodes)
    return no(
      'Allocating',
      `${o.leasedNodes} of ${plural(o.eligibleNodes, 'selected node')} hold a subnet`,
    );
  return {
    type: READY,
    status: 'True',
    reason: 'SubnetsLeased',
    message: `${plural(o.leasedNodes, 'node')} joined; config and leases under ${o.etcdPrefix ?? 'the etcd prefix'}`,
  };
}

/** The conditions, keeping each one's lastTransitionTime while its status is unchanged. */
export function overlayConditions(
  o: OverlayObservation,
  previous: readonly Condition[] | undefined,
  now: string,
): Condition[] {
  return [ready(o), degraded(o), exhausted(o)].map((c) => {
    const before = previous?.find((p) => p.type === c.type);
    const since =
      before !== undefined && before.status === c.status ? before.lastTransitionTime : now;
    return { ...c, observedGeneration: o.generation, lastTransitionTime: since };
  });
}

export function overlayStatus(
  o: OverlayObservation,
  previous: OverlayNetworkStatus | undefined,
  now: string,
): OverlayNetworkStatus {
  return {
    observedGeneration: o.generation,
    ...(o.etcdPrefix === undefined ? {} : { etcdPrefix: o.etcdPrefix }),
    subnets: { capacity: o.capacity, allocated: o.allocated },
    nads: { ...o.nads },
    conditions: overlayConditions(o, previous?.conditions, now),
  };
}

/** Whether writing `next` would change what `current` says (times of unchanged conditions aside). */
export function sameOverlayStatus(
  current: OverlayNetworkStatus | undefined,
  next: OverlayNetworkStatus,
): boolean {
  if (current === undefined) return false;
  return JSON.stringify(normalize(current)) === JSON.stringify(normalize(next));
}

function normalize(s: OverlayNetworkStatus): unknown {
  return {
    observedGeneration: s.observedGeneration,
    etcdPrefix: s.etcdPrefix,
    subnets: s.subnets,
    nads: s.nads,
    conditions: (s.conditions ?? []).map((c) => [
      c.type,
      c.status,
      c.reason,
      c.message,
      c.observedGeneration,
      c.lastTransitionTime,
    ]),
  };
}
