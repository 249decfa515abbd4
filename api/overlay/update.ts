// Which changes to an OverlayNetwork a running network survives. It gives
// the verdicts of the CRD's CEL transition rules (so the webhook and the CLI
// say what the API server says) and adds what CEL cannot see:
// - always: backend.vni, the effective etcd prefix, and subnetLen once set
//   are immutable (leases, devices and the flannel config are keyed by them);
// - while leases exist: network may only grow to a superset, the effective
//   subnet length may not change, the leasable range [subnetMin, subnetMax]
//   may only grow (flanneld drops a lease outside it and leases anew, which
//   renumbers that node's pods);
// - allowed with a warning: backend.port (every agent re-creates its VXLAN
//   device, a short interruption) and mtu (running pods keep theirs).
import { error, warning, type Finding } from '../common/findings.ts';
import { formatIp, parseCidr } from '../net/ip.ts';
import type { ResolvedOverlay } from './resolved.ts';

export interface UpdateContext {
  /** True when any subnet of the network is leased (read from etcd, not from status, when possible). */
  leasesExist: boolean;
}

const MOVE = 'create a new OverlayNetwork and move workloads to it';

/** The findings of changing `before` into `after`, both resolved networks. */
export function checkOverlayNetworkUpdate(
  before: ResolvedOverlay,
  after: ResolvedOverlay,
  ctx: UpdateContext,
): Finding[] {
  const findings = immutableFindings(before, after);
  if (ctx.leasesExist) {
    const leased = leasedRangeFinding(before, after);
    if (leased !== undefined) findings.push(leased);
  }
  if (after.config.backend.port !== before.config.backend.port)
    findings.push(
      warning(
        'spec.backend.port',
        `changes from ${before.config.backend.port} to ${after.config.backend.port}: every node re-creates its VXLAN device (a short interruption), and an upstream flanneld sharing the prefix must be reconfigured too`,
      ),
    );
  if (after.config.mtu !== before.config.mtu)
    findings.push(
      warning(
        'spec.mtu',
        'running pods keep their MTU until they are re-created',
        'restart the pods on this network when convenient',
      ),
    );
  return findings;
}

/** backend.vni, the effective etcd prefix, and subnetLen once set. */
function immutableFindings(before: ResolvedOverlay, after: ResolvedOverlay): Finding[] {
  const findings: Finding[] = [];
  const vni = before.config.backend.vni;
  if (after.config.backend.vni !== vni)
    findings.push(
      error(
        'spec.backend.vni',
        `is immutable (was ${vni}): every node's VXLAN device and lease carry it`,
        `keep ${vni}, or ${MOVE}`,
      ),
    );
  if (before.etcdPrefix !== undefined && after.etcdPrefix !== before.etcdPrefix)
    findings.push(
      error(
        'spec.etcdPrefix',
        `is immutable (was ${before.etcdPrefix}): the flannel config and leases live under it`,
        `keep ${before.etcdPrefix}, or ${MOVE}`,
      ),
    );
  const len = before.spec.subnetLen;
  if (len !== undefined && after.spec.subnetLen !== len)
    findings.push(
      error(
        'spec.subnetLen',
        `is immutable once set (was ${len}): leases have this size`,
        `keep ${len}, or ${MOVE}`,
      ),
    );
  return findings;
}

/** While leases exist: the network may only grow, the effective subnet length
 * may not change, and the leasable range may only grow. */
function leasedRangeFinding(before: ResolvedOverlay, after: ResolvedOverlay): Finding | undefined {
  const b = before.plan;
  const a = after.plan;
  const grows =
    a.network.network <= b.network.network && a.network.broadcast >= b.network.broadcast;
  if (!grows) {
    const parent = parseCidr(`${formatIp(b.network.network, 4)}/${b.network.prefix - 1}`);
    const example = parent === undefined ? '' : ` (e.g. ${parent.canonical})`;
    return error(
      'spec.network',
      `${a.network.canonical} does not contain ${b.network.canonical}, and subnets of it are leased: only growing to a network that contains it is allowed`,
      `keep ${b.network.canonical} or use a larger network that contains it${example}, or ${MOVE}`,
    );
  }
  if (a.subnetLen !== b.subnetLen)
    // Only reachable through the default: an explicit subnetLen is immutable.
    return error(
      'spec.subnetLen',
      `this network change moves the default subnet length from ${b.subnetLen} to ${a.subnetLen}, and subnets are leased`,
      `set spec.subnetLen: ${b.subnetLen}`,
    );
  if (a.subnetMin > b.subnetMin || a.subnetMax < b.subnetMax) {
    const was = `${before.config.subnetMin}-${before.config.subnetMax}`;
    return error(
      a.subnetMin > b.subnetMin ? 'spec.subnetMin' : 'spec.subnetMax',
      `the leasable range ${after.config.subnetMin}-${after.config.subnetMax} no longer covers ${was}, and subnets are leased: nodes outside it would be renumbered`,
      `keep the range at least ${was}, or ${MOVE}`,
    );
  }
  return undefined;
}
