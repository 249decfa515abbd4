// What each informer event means for the controllers: which keys to enqueue,
// and which updates to ignore (kubelet heartbeats, our own status writes, an
// agent's status on a NodeNetworkConfig), so work follows changes that matter.
import type { NetworkAttachmentDefinition } from '../../lib/kube/index.ts';
import type { Controller } from '../runtime/index.ts';
import { generatorOf, overlayReferences } from './cluster.ts';
import type { Cluster, ConfigDigest } from './cluster.ts';
import type { MembershipGate } from './membership-gate.ts';
import { nodeChanged } from './node-facts.ts';

interface Controllers {
  networks: Controller;
  nodes: Controller;
  nads: Controller;
}

export interface WatchOptions {
  /** How long a network's status waits for more changes. */
  debounceMs: number;
  gate: MembershipGate;
  /** Digests of the NodeNetworkConfig specs written by this replica. */
  written: Map<string, string>;
}

interface Ctx extends WatchOptions {
  cluster: Cluster;
  ctl: Controllers;
}

const nameOf = (o: { metadata?: { name?: string } }): string => o.metadata?.name ?? '';

/** Every network's status soon (node counts and namespaces feed into all of them). */
function allNetworksSoon(c: Ctx): void {
  for (const n of c.cluster.networks.store.keys()) c.ctl.networks.enqueueAfter(n, c.debounceMs);
}

export function watchCluster(cluster: Cluster, ctl: Controllers, opts: WatchOptions): void {
  const c: Ctx = { ...opts, cluster, ctl };
  watchNetworks(c);
  watchNodes(c);
  watchConfigs(c);
  watchNads(c);
  watchNamespaces(c);
}

/** Spec, deletion and finalizer changes (not our status writes) may move nodes: the gate hears of them. */
function watchNetworks(c: Ctx): void {
  const changed = (name: string): void => {
    c.gate.changed(name);
    c.ctl.networks.enqueue(name);
  };
  c.cluster.networks.on('add', (o) => changed(nameOf(o)));
  c.cluster.networks.on('update', (old, o) => {
    const m = o.metadata;
    const before = old.metadata;
    if (
      m?.generation !== before?.generation ||
      m?.deletionTimestamp !== before?.deletionTimestamp ||
      JSON.stringify(m?.finalizers ?? []) !== JSON.stringify(before?.finalizers ?? [])
    )
      changed(nameOf(o));
  });
  c.cluster.networks.on('delete', (o) => changed(nameOf(o)));
}

function watchNodes(c: Ctx): void {
  const node = (name: string): void => {
    c.ctl.nodes.enqueue(name);
    allNetworksSoon(c);
  };
  c.cluster.nodes.on('add', (o) => node(nameOf(o)));
  c.cluster.nodes.on('update', (old, o) => {
    if (nodeChanged(old, o)) node(nameOf(o));
  });
  c.cluster.nodes.on('delete', (o) => node(nameOf(o)));
}

/** A NodeNetworkConfig whose spec someone changed or deleted is written again; one of a node
 * that is gone is deleted. Our own writes come back as events too: those are no work. */
function watchConfigs(c: Ctx): void {
  const notOurs = (o: ConfigDigest): boolean => c.written.get(nameOf(o)) !== o.digest;
  c.cluster.configs.on('add', (o) => {
    if (notOurs(o) || c.cluster.nodes.store.get(nameOf(o)) === undefined)
      c.ctl.nodes.enqueue(nameOf(o));
  });
  c.cluster.configs.on('update', (old, o) => {
    if (old.digest !== o.digest && notOurs(o)) c.ctl.nodes.enqueue(nameOf(o));
  });
  c.cluster.configs.on('delete', (o) => c.ctl.nodes.enqueue(nameOf(o)));
}

/** A generated NAD edited or deleted by hand: its network restores it now. A user's NAD: the NAD
 * controller looks at it. Either way the networks it names recount their NADs. */
function watchNads(c: Ctx): void {
  const event = (...nads: NetworkAttachmentDefinition[]): void => {
    for (const nad of nads) {
      const gen = generatorOf(nad);
      if (gen !== undefined) c.ctl.networks.enqueue(gen);
      else c.ctl.nads.enqueue(`${nad.metadata?.namespace ?? ''}/${nameOf(nad)}`);
      for (const n of overlayReferences(nad)) c.ctl.networks.enqueueAfter(n, c.debounceMs);
    }
  };
  c.cluster.nads.on('add', (o) => event(o));
  c.cluster.nads.on('update', (old, o) => event(old, o));
  c.cluster.nads.on('delete', (o) => event(o));
}

/** Namespaces decide where NADs are generated (and which user NADs are attached). */
function watchNamespaces(c: Ctx): void {
  const event = (): void => {
    allNetworksSoon(c);
    for (const k of c.cluster.nads.store.keys()) c.ctl.nads.enqueue(k);
  };
  c.cluster.namespaces.on('add', event);
  c.cluster.namespaces.on('update', (old, o) => {
    const labels = (x: typeof o): string => JSON.stringify(x.metadata?.labels ?? {});
    if (
      labels(old) !== labels(o) ||
      old.metadata?.deletionTimestamp !== o.metadata?.deletionTimestamp
    )
      event();
  });
  c.cluster.namespaces.on('delete', event);
}
