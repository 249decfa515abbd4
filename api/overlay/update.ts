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
import { error, isPlainObject, warning, type Finding } from '../findings.ts';
import { formatIp, parseCidr } from '../net/ip.ts';
import type { OverlayNetwork } from '../resources/overlay-network.ts';
import { etcdPrefixOf, resolveOverlay } from './defaults.ts';

export interface UpdateContext {
  /** True when any subnet of the network is leased (read from etcd, not from status, when possible). */
  leasesExist: boolean;
}

const MOVE = 'create a new OverlayNetwork and move workloads to it';

export function checkOverlayNetworkUpdate(
  oldOn: OverlayNetwork,
  newOn: OverlayNetwork,
  ctx: UpdateContext,
): Finding[] {
  const findings: Finding[] = [];
  const oldSpec: Record<string, unknown> = isPlainObject(oldOn?.spec) ? oldOn.spec : {};
  const newSpec: Record<string, unknown> = isPlainObject(newOn?.spec) ? newOn.spec : {};
  const oldBackend = isPlainObject(oldSpec.backend) ? oldSpec.backend : {};
  const newBackend = isPlainObject(newSpec.backend) ? newSpec.backend : {};

  if (oldBackend.vni !== undefined && newBackend.vni !== oldBackend.vni) {
    findings.push(
      error(
        'spec.backend.vni',
        `is immutable (was ${String(oldBackend.vni)}): every node's VXLAN device and lease carry it`,
        `keep ${String(oldBackend.vni)}, or ${MOVE}`,
      ),
    );
  }
  if (isPlainObject(oldOn?.metadata) && isPlainObject(newOn?.metadata)) {
    const before = etcdPrefixOf(oldOn);
    const after = etcdPrefixOf(newOn);
    if (before !== after) {
      findings.push(
        error(
          'spec.etcdPrefix',
          `is immutable (was ${before}): the flannel config and leases live under it`,
          `keep ${before}, or ${MOVE}`,
        ),
      );
    }
  }
  if (oldSpec.subnetLen !== undefined && newSpec.subnetLen !== oldSpec.subnetLen) {
    findings.push(
      error(
        'spec.subnetLen',
        `is immutable once set (was ${String(oldSpec.subnetLen)}): leases have this size`,
        `keep ${String(oldSpec.subnetLen)}, or ${MOVE}`,
      ),
    );
  }

  const before = resolveOverlay(oldSpec);
  const after = resolveOverlay(newSpec);
  if (before === undefined || after === undefined) return findings;
  const b = before.plan;
  const a = after.plan;

  if (ctx.leasesExist) {
    const grows =
      a.network.network <= b.network.network && a.network.broadcast >= b.network.broadcast;
    if (!grows) {
      const parent = parseCidr(`${formatIp(b.network.network, 4)}/${b.network.prefix - 1}`);
      const example = parent === undefined ? '' : ` (e.g. ${parent.canonical})`;
      findings.push(
        error(
          'spec.network',
          `${a.network.canonical} does not contain ${b.network.canonical}, and subnets of it are leased: only growing to a network that contains it is allowed`,
          `keep ${b.network.canonical} or use a larger network that contains it${example}, or ${MOVE}`,
        ),
      );
    } else if (a.subnetLen !== b.subnetLen) {
      // Only reachable through the default: an explicit subnetLen is immutable.
      findings.push(
        error(
          'spec.subnetLen',
          `this network change moves the default subnet length from ${b.subnetLen} to ${a.subnetLen}, and subnets are leased`,
          `set spec.subnetLen: ${b.subnetLen}`,
        ),
      );
    } else if (a.subnetMin > b.subnetMin || a.subnetMax < b.subnetMax) {
      findings.push(
        error(
          a.subnetMin > b.subnetMin ? 'spec.subnetMin' : 'spec.subnetMax',
          `the leasable range ${after.config.subnetMin}-${after.config.subnetMax} no longer covers ${before.config.subnetMin}-${before.config.subnetMax}, and subnets are leased: nodes outside it would be renumbered`,
          `keep the range at least ${before.config.subnetMin}-${before.config.subnetMax}, or ${MOVE}`,
        ),
      );
    }
  }
  if (after.config.backend.port !== before.config.backend.port) {
    findings.push(
      warning(
        'spec.backend.port',
        `changes from ${before.config.backend.port} to ${after.config.backend.port}: every node re-creates its VXLAN device (a short interruption), and an upstream flanneld sharing the prefix must be reconfigured too`,
      ),
    );
  }
  if (after.config.mtu !== before.config.mtu) {
    findings.push(
      warning(
        'spec.mtu',
        'running pods keep their MTU until they are re-created',
        'restart the pods on this network when convenient',
      ),
    );
  }
  return findings;
}
