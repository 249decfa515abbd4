// What the operator knows about each OverlayNetwork beyond the object: the
// resolved spec it last acted on, its loaded lease index, whether its etcd
// config is in place (only then do nodes join), and which nodes wait for a
// free subnet. Shared by the network and node controllers of one leader.
import { matchesLabelSelector } from '../../api/overlay/index.ts';
import type { ResolvedOverlay } from '../../api/overlay/index.ts';
import type { NetworkLeases } from '../allocation/network-leases.ts';

export interface NetworkState {
  name: string;
  /** The spec last resolved without error. */
  resolved?: ResolvedOverlay;
  etcdPrefix?: string;
  leases?: NetworkLeases;
  /** `<prefix>/config` matches the spec: nodes may join. */
  configured: boolean;
  /** The object is being deleted: every node leaves. */
  deleting: boolean;
  /** Nodes that should join but find no free subnet. */
  waiting: Set<string>;
  /** What node membership depends on, as last seen; a change re-examines every node. */
  membershipKey?: string;
}

/** How a node relates to a network it has no say in: join it, keep what it holds, or leave it. */
export type Membership = 'join' | 'hold' | 'leave';

export class NetworkRegistry {
  private readonly states = new Map<string, NetworkState>();

  get(name: string): NetworkState | undefined {
    return this.states.get(name);
  }

  ensure(name: string): NetworkState {
    let s = this.states.get(name);
    if (s === undefined)
      this.states.set(name, (s = { name, configured: false, deleting: false, waiting: new Set() }));
    return s;
  }

  delete(name: string): void {
    this.states.delete(name);
  }

  all(): NetworkState[] {
    return [...this.states.values()];
  }

  /** Networks with a loaded index: the ones a node reconcile looks at. */
  loaded(): (NetworkState & { leases: NetworkLeases; resolved: ResolvedOverlay })[] {
    return this.all().filter(
      (s): s is NetworkState & { leases: NetworkLeases; resolved: ResolvedOverlay } =>
        s.leases !== undefined && s.resolved !== undefined,
    );
  }
}

/** Whether a node with these labels is in the network. A network whose config is not in place
 * (a conflict, an etcd outage) keeps its members as they are: an operator problem must never tear
 * down the data plane. */
export function membership(
  s: NetworkState,
  labels: Readonly<Record<string, string>> | undefined,
): Membership {
  if (s.deleting || s.resolved === undefined) return 'leave';
  if (!s.configured) return 'hold';
  return matchesLabelSelector(s.resolved.nodeSelector, labels) ? 'join' : 'leave';
}
