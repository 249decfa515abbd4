// What the network controller observed about one network, for its status:
// which selected nodes should hold a lease, which do, which wait, which have
// no address, and what the lease index says about etcd.
import { matchesLabelSelector } from '../../api/overlay/index.ts';
import type { OverlayObservation, StatusProblem } from '../../api/overlay/index.ts';
import type { Cluster } from './cluster.ts';
import type { NetworkState } from './network-registry.ts';
import { nodeFacts } from './node-facts.ts';

export interface ObservationInput {
  generation: number;
  specProblem?: StatusProblem;
  configProblem?: StatusProblem;
  warnings: StatusProblem[];
  nads: { generated: number; total: number };
}

export function observeNetwork(
  s: NetworkState,
  cluster: Cluster,
  input: ObservationInput,
): OverlayObservation {
  let eligible = 0;
  let leased = 0;
  let waiting = 0;
  const noAddress: string[] = [];
  const selector = s.resolved?.nodeSelector;
  if (s.resolved !== undefined && s.leases !== undefined) {
    for (const node of cluster.nodes.store.list()) {
      const name = node.metadata?.name ?? '';
      if (!matchesLabelSelector(selector, node.metadata?.labels)) continue;
      const facts = nodeFacts(node);
      if (!facts.ready || node.metadata?.deletionTimestamp !== undefined) continue;
      if (facts.publicIp === undefined) {
        noAddress.push(name);
        continue;
      }
      eligible++;
      if (s.leases.holdsLease(name)) leased++;
      else if (s.waiting.has(name)) waiting++;
    }
  }
  const counts = s.leases?.counts() ?? { ours: 0, foreign: 0 };
  const warnings = [...input.warnings];
  if (noAddress.length > 0)
    warnings.push({
      reason: 'NodesWithoutAddress',
      message: `${noAddress.length} selected node(s) have no IPv4 InternalIP nor a plexus.dev/public-ip annotation (${noAddress.slice(0, 3).join(', ')}${noAddress.length > 3 ? ', …' : ''}): they get no lease until they have one`,
    });
  return {
    generation: input.generation,
    ...(s.etcdPrefix === undefined ? {} : { etcdPrefix: s.etcdPrefix }),
    ...(input.specProblem ? { specProblem: input.specProblem } : {}),
    ...(input.configProblem ? { configProblem: input.configProblem } : {}),
    deleting: s.deleting,
    capacity: s.resolved?.config.capacity ?? 0,
    allocated: counts.ours,
    foreignLeases: counts.foreign,
    eligibleNodes: eligible,
    leasedNodes: leased,
    waitingForSubnet: waiting,
    warnings,
    nads: input.nads,
  };
}
