// The admission seam for OverlayNetworks, shaped as controller-runtime's
// CustomValidator: create, update, and the checks against the stored objects.
// The webhook, the operator and `plexus validate` all call it. Pure: lease
// existence and the stored objects come in as data.
import { checked, type Checked, type Finding } from '../common/findings.ts';
import { checkOverlayNetwork } from './overlay-object.ts';
import type { ResolvedOverlay } from './resolved.ts';
import {
  checkOverlayNetworkAgainst,
  checkOverlayNetworkSet,
  type ClusterCidrOptions,
  type IndexedFinding,
} from './network-set.ts';
import { checkOverlayNetworkUpdate, type UpdateContext } from './update.ts';

export interface OverlayNetworkValidator {
  /** The object on its own; `value` is the resolved network when it has no error. */
  create(obj: unknown): Checked<ResolvedOverlay>;
  /** The new object on its own, then the update rules against the old one
   * (skipped when the stored object no longer reads: CEL still guards it). */
  update(oldObj: unknown, newObj: unknown, ctx: UpdateContext): Checked<ResolvedOverlay>;
  /** A candidate against the stored networks and the cluster's CIDRs. */
  against(
    candidate: ResolvedOverlay,
    existing: readonly ResolvedOverlay[],
    opts?: ClusterCidrOptions,
  ): Finding[];
  /** The networks of one set against each other, by position. */
  set(items: readonly ResolvedOverlay[], opts?: ClusterCidrOptions): IndexedFinding[];
}

export const overlayNetworkValidator: OverlayNetworkValidator = {
  create: checkOverlayNetwork,
  update(oldObj, newObj, ctx) {
    const after = checkOverlayNetwork(newObj);
    const before = checkOverlayNetwork(oldObj).value;
    if (after.value === undefined || before === undefined) return after;
    const findings = [...after.findings, ...checkOverlayNetworkUpdate(before, after.value, ctx)];
    return checked(findings, after.value);
  },
  against: checkOverlayNetworkAgainst,
  set: checkOverlayNetworkSet,
};
