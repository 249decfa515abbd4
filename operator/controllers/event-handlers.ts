// What each informer event means for the controllers: which keys to enqueue,
// and which updates to ignore (kubelet heartbeats, our own status writes, an
// agent's status on a NodeNetworkConfig), so work follows changes that matter.
import type { NetworkAttachmentDefinition } from '../../lib/kube/index.ts';
import type { Controller } from '../runtime/index.ts';
import { generatorOf, overlayReferences } from './cluster.ts';
import type { ConfigDigest } from './cluster.ts';
import type { MembershipGate } from './membership-gate.ts';
import type { Cluster } from './cluster.ts';
import { nodeChanged } from './node-facts.ts';

interface Controllers {
  networks: Controller;
  nodes: Controller;
  nads: Controller;
}

export function watchCluster(
  cluster: Cluster,
  ctl: Controllers,
  opts: { debounceMs: number; gate: MembershipGate; written: Map<string, string> },
): void {
  const { debounceMs, gate, written } = opts;
  const networkChanged = (name: string): void => {
    gate.changed(name);
    ctl.networks.enqueue(name);
  };
  const name = (o: { metadata?: { name?: string } }): string => o.metadata?.name ?? '';
  const allNetworksSoon = (): void => {
    for (const n of cluster.networks.store.keys()) ctl.networks.enqueueAfter(n, debounceMs);
  };

  cluster.networks.on('add', (o) => networkChanged(name(o)));
  cluster.networks.on('update', (old, o) => {
    const m = o.metadata;
    const before = old.metadata;
    if (
      m?.generation !== before?.generation ||
      m?.deletionTimestamp !== before?.deletionTimestamp ||
      JSON.stringify(m?.finalizers ?? []) !== JSON.stringify(before?.finalizers ?? [])
    )
      networkChanged(name(o));
  });
  cluster.networks.on('delete', (o) => networkChanged(name(o)));

  cluster.nodes.on('add', (o) => {
    ctl.nodes.enqueue(name(o));
    allNetworksSoon();
  });
  cluster.nodes.on('update', (old, o) => {
    if (!nodeChanged(old, o)) return;
    ctl.nodes.enqueue(name(o));
    allNetworksSoon();
  });
  cluster.nodes.on('delete', (o) => {
    ctl.nodes.enqueue(name(o));
    allNetworksSoon();
  });

  // A NodeNetworkConfig whose spec someone changed or deleted is written again; one of a
  // node that is gone is deleted. Our own writes come back as events too: those are no work.
  const notOurs = (o: ConfigDigest): boolean => written.get(name(o)) !== o.digest;
  cluster.configs.on('add', (o) => {
    if (notOurs(o) || cluster.nodes.store.get(name(o)) === undefined) ctl.nodes.enqueue(name(o));
  });
  cluster.configs.on('update', (old, o) => {
    if (old.metadata?.generation !== o.metadata?.generation && notOurs(o))
      ctl.nodes.enqueue(name(o));
  });
  cluster.configs.on('delete', (o) => ctl.nodes.enqueue(name(o)));

  const nadEvent = (...nads: NetworkAttachmentDefinition[]): void => {
    for (const nad of nads) {
      const gen = generatorOf(nad);
      // A generated NAD edited or deleted by hand: its network restores it now.
      if (gen !== undefined) ctl.networks.enqueue(gen);
      else ctl.nads.enqueue(`${nad.metadata?.namespace ?? ''}/${name(nad)}`);
      for (const n of overlayReferences(nad)) ctl.networks.enqueueAfter(n, debounceMs);
    }
  };
  cluster.nads.on('add', (o) => nadEvent(o));
  cluster.nads.on('update', (old, o) => nadEvent(old, o));
  cluster.nads.on('delete', (o) => nadEvent(o));

  // Namespaces decide where NADs are generated (and which user NADs are attached).
  const namespaceEvent = (): void => {
    allNetworksSoon();
    for (const k of cluster.nads.store.keys()) ctl.nads.enqueue(k);
  };
  cluster.namespaces.on('add', namespaceEvent);
  cluster.namespaces.on('update', (old, o) => {
    if (
      JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(o.metadata?.labels ?? {}) ||
      old.metadata?.deletionTimestamp !== o.metadata?.deletionTimestamp
    )
      namespaceEvent();
  });
  cluster.namespaces.on('delete', namespaceEvent);
}
