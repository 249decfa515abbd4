// Events a person needs about an OverlayNetwork: when it becomes Ready, when
// it degrades (and why), when its subnets run out. Emitted on transitions of
// the conditions, never per reconcile, so `kubectl describe` tells a story.
import { DEGRADED, READY, SUBNETS_EXHAUSTED } from '../../api/overlay/index.ts';
import type { OverlayNetworkStatus } from '../../api/resources/index.ts';
import type { EventRecorder, OverlayNetwork } from '../../lib/kube/index.ts';

export function announceChanges(
  recorder: EventRecorder,
  obj: OverlayNetwork,
  next: OverlayNetworkStatus,
): void {
  const before = new Map((obj.status?.conditions ?? []).map((c) => [c.type, c]));
  for (const c of next.conditions ?? []) {
    const old = before.get(c.type);
    const turnedOn = c.status === 'True' && old?.status !== 'True';
    const newReason = c.status === 'True' && old?.status === 'True' && old.message !== c.message;
    if (c.type === READY && turnedOn)
      recorder.event(obj, {
        type: 'Normal',
        reason: 'Ready',
        action: 'Reconcile',
        note: c.message,
      });
    if (
      (c.type === DEGRADED || c.type === SUBNETS_EXHAUSTED) &&
      (turnedOn || (newReason && old?.reason !== c.reason))
    )
      recorder.event(obj, {
        type: 'Warning',
        reason: c.reason,
        action: 'Reconcile',
        note: c.message,
      });
  }
}
