// The NAD controller looks at NADs people write: one of type plexus-overlay
// that names an OverlayNetwork that does not exist, or one that does not
// attach to the NAD's namespace, gets a Warning Event on the NAD (once per
// distinct problem, not per reconcile). Generated NADs are the network
// controller's: their changes go to it, to be restored.
import { attachesTo, overlayNetworkValidator } from '../../api/overlay/index.ts';
import { NAD_API_VERSION, NAD_KIND } from '../../api/resources/index.ts';
import type { EventRecorder } from '../../lib/kube/index.ts';
import { generatorOf, overlayReferences } from './cluster.ts';
import type { Cluster } from './cluster.ts';

export interface NadControllerDeps {
  cluster: Cluster;
  recorder: EventRecorder;
}

export function nadReconciler(deps: NadControllerDeps) {
  /** NAD uid → the problems last reported, so a repeat stays quiet. */
  const reported = new Map<string, string>();
  return async (key: string): Promise<void> => {
    const nad = deps.cluster.nads.store.get(key);
    if (nad === undefined) {
      for (const k of reported.keys()) if (k.startsWith(`${key}\u0000`)) reported.delete(k);
      return;
    }
    if (generatorOf(nad) !== undefined) return;
    const ns = nad.metadata?.namespace ?? '';
    const nsLabels = deps.cluster.namespaces.store.get(ns)?.metadata?.labels;
    const problems: { reason: string; note: string }[] = [];
    for (const network of overlayReferences(nad)) {
      const on = deps.cluster.networks.store.get(network);
      if (on === undefined || on.metadata?.deletionTimestamp !== undefined) {
        problems.push({
          reason: 'OverlayNetworkNotFound',
          note: `spec.config attaches to OverlayNetwork ${network}, which does not exist: create it, or correct "network" in the config`,
        });
        continue;
      }
      const r = overlayNetworkValidator.create({
        ...on,
        apiVersion: 'plexus.dev/v1alpha1',
        kind: 'OverlayNetwork',
      }).value;
      if (r !== undefined && !attachesTo(r.attachment, ns, nsLabels))
        problems.push({
          reason: 'NamespaceNotAttached',
          note: `OverlayNetwork ${network} does not attach to namespace ${ns}: add ${ns} to its spec.attachment, or use the NAD it generates in a namespace it attaches to`,
        });
    }
    const id = `${key}\u0000${nad.metadata?.uid ?? ''}`;
    const summary = problems.map((p) => p.note).join('\n');
    if (reported.get(id) === summary) return;
    reported.set(id, summary);
    const regarding = { ...nad, apiVersion: NAD_API_VERSION, kind: NAD_KIND };
    for (const p of problems)
      deps.recorder.event(regarding, {
        type: 'Warning',
        reason: p.reason,
        action: 'Validate',
        note: p.note,
      });
  };
}
