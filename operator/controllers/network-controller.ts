// The OverlayNetwork controller: resolves the spec (the same validator as the
// webhook and `plexus validate`), holds a finalizer, loads the network's lease
// index, puts `<prefix>/config` in flannel's JSON, applies the generated NADs,
// and writes status, conditions and Events. On deletion it removes what it
// created (leases, owner records, the config unless others still lease under
// the prefix, the NADs) before letting the object go. Node membership changes
// are handed to the node controller, which owns the leases of each node.
import {
  configKey,
  flannelNetworkConfig,
  overlayNetworkValidator,
  overlayStatus,
  parseFlannelNetworkConfig,
  sameOverlayStatus,
  uint16VniFinding,
} from '../../api/overlay/index.ts';
import type { ResolvedOverlay, StatusProblem } from '../../api/overlay/index.ts';
import { PLEXUS_API_VERSION, OVERLAY_NETWORK_KIND } from '../../api/resources/index.ts';
import { OVERLAY_NETWORKS, isNotFound } from '../../lib/kube/index.ts';
import type { EventRecorder, KubeClient, OverlayNetwork } from '../../lib/kube/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import type { LeaseStore } from '../allocation/lease-store.ts';
import type { NetworkLeases } from '../allocation/network-leases.ts';
import { planNode } from '../allocation/node-plan.ts';
import type { OperatorMetrics } from '../metrics.ts';
import { BY_OVERLAY, FIELD_MANAGER } from './cluster.ts';
import type { Cluster } from './cluster.ts';
import { reconcileGeneratedNads } from './generated-nads.ts';
import { observeNetwork } from './network-observation.ts';
import type { NetworkRegistry, NetworkState } from './network-registry.ts';
import { announceChanges } from './network-events.ts';

/** Held on every OverlayNetwork until its leases, config and NADs are gone. */
export const FINALIZER = 'plexus.dev/overlay-network';

export interface NetworkControllerDeps {
  client: KubeClient;
  cluster: Cluster;
  store: LeaseStore;
  registry: NetworkRegistry;
  recorder: EventRecorder;
  metrics: OperatorMetrics;
  logger: Logger;
  enqueueNode(name: string): void;
  enqueueNad(key: string): void;
}

/** An informer object with kind and apiVersion (list items of some servers lack them). */
function typed(obj: OverlayNetwork): OverlayNetwork {
  return { ...obj, apiVersion: PLEXUS_API_VERSION, kind: OVERLAY_NETWORK_KIND };
}

export function networkReconciler(deps: NetworkControllerDeps) {
  return async (name: string): Promise<void> => {
    const found = deps.cluster.networks.store.get(name);
    if (found === undefined) {
      await forget(deps, name);
      return;
    }
    const obj = typed(found);
    const s = deps.registry.ensure(name);
    const check = overlayNetworkValidator.create(obj);
    if (obj.metadata?.deletionTimestamp !== undefined) {
      await finalize(deps, obj, s, check.value);
      return;
    }
    const specProblem =
      check.value === undefined ? invalidSpec(check.findings) : clash(deps, obj, check.value);
    if (specProblem !== undefined || check.value === undefined) {
      await writeStatus(deps, obj, s, {
        specProblem,
        warnings: [],
        nads: { generated: 0, total: 0 },
      });
      return;
    }
    const resolved = check.value;
    await ensureFinalizer(deps, obj);
    const leases = await load(deps, s, resolved);
    const configProblem = await ensureConfig(deps, leases, resolved);
    s.configured = configProblem === undefined;
    refreshMembership(deps, s, resolved);
    const nads = await reconcileGeneratedNads(deps, name, resolved);
    const warnings = [...nads.warnings];
    const oldFlannel = uint16VniFinding(resolved.config.backend.vni, 'spec.backend.vni');
    if (oldFlannel !== undefined && leases.counts().foreign > 0)
      warnings.push({
        reason: 'VNIBeyondUint16',
        message: `${oldFlannel.message}; ${oldFlannel.fix ?? ''}`,
      });
    await writeStatus(deps, obj, s, {
      ...(configProblem ? { configProblem } : {}),
      warnings,
      nads: { generated: nads.generated, total: nads.total },
    });
  };
}

function invalidSpec(
  findings: readonly { field: string; message: string; severity: string }[],
): StatusProblem {
  const errors = findings.filter((f) => f.severity === 'error').slice(0, 5);
  return {
    reason: 'InvalidSpec',
    message: `the spec cannot be used: ${errors.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
  };
}

/** Another live network using the same etcd prefix (the older one keeps it). */
function clash(
  deps: NetworkControllerDeps,
  obj: OverlayNetwork,
  r: ResolvedOverlay,
): StatusProblem | undefined {
  const mine = obj.metadata?.creationTimestamp ?? '';
  for (const other of deps.cluster.networks.store.list()) {
    const on = other.metadata?.name ?? '';
    if (on === obj.metadata?.name || other.metadata?.deletionTimestamp !== undefined) continue;
    const prefix = other.spec?.etcdPrefix ?? `/plexus.dev/networks/${on}`;
    if (prefix !== r.etcdPrefix) continue;
    const theirs = other.metadata?.creationTimestamp ?? '';
    if (theirs < mine || (theirs === mine && on < (obj.metadata?.name ?? '')))
      return {
        reason: 'EtcdPrefixInUse',
        message: `OverlayNetwork ${on} already keeps its leases under ${prefix}: set spec.etcdPrefix to a prefix of its own`,
      };
  }
  return undefined;
}

async function ensureFinalizer(deps: NetworkControllerDeps, obj: OverlayNetwork): Promise<void> {
  if (obj.metadata?.finalizers?.includes(FINALIZER)) return;
  await deps.client.apply(
    OVERLAY_NETWORKS,
    {
      apiVersion: PLEXUS_API_VERSION,
      kind: OVERLAY_NETWORK_KIND,
      metadata: { name: obj.metadata?.name, finalizers: [FINALIZER] },
    } as OverlayNetwork,
    { fieldManager: FIELD_MANAGER },
  );
}

async function load(
  deps: NetworkControllerDeps,
  s: NetworkState,
  r: ResolvedOverlay,
): Promise<NetworkLeases> {
  const etcdPrefix = r.etcdPrefix as string;
  const leases = await deps.store.load({ name: s.name, etcdPrefix, plan: r.plan });
  s.resolved = r;
  s.etcdPrefix = etcdPrefix;
  s.leases = leases;
  leases.onSlotFreed = () => {
    for (const node of s.waiting) deps.enqueueNode(node);
  };
  return leases;
}

/** `<prefix>/config` as the spec says; never overwritten while others lease under the prefix. */
async function ensureConfig(
  deps: NetworkControllerDeps,
  leases: NetworkLeases,
  r: ResolvedOverlay,
): Promise<StatusProblem | undefined> {
  const key = configKey(leases.ref.etcdPrefix);
  const want = JSON.stringify(flannelNetworkConfig(r));
  const current = leases.configKv;
  if (current?.value === want || (current !== undefined && sameSettings(current.value, r)))
    return undefined;
  const foreign = leases.counts().foreign;
  if (current !== undefined && foreign > 0)
    return {
      reason: 'EtcdConfigConflict',
      message: `${key} holds a different network config (${current.value.slice(0, 200)}) and ${foreign} lease(s) of others use the prefix: make the spec match that config, or pick another spec.etcdPrefix`,
    };
  if (!(await deps.store.putConfig(leases, key, want)))
    throw new Error(`${key} changed while it was being written; retrying`);
  deps.logger.info(
    { key: deps.registry.get(leases.ref.name)?.name, etcdKey: key },
    'network config written',
  );
  return undefined;
}

/** A config someone else wrote that flanneld reads exactly as ours (kept as written). */
function sameSettings(text: string, r: ResolvedOverlay): boolean {
  const c = parseFlannelNetworkConfig(text).value;
  const e = r.config;
  return (
    c !== undefined &&
    c.network === e.network &&
    c.subnetLen === e.subnetLen &&
    c.subnetMin === e.subnetMin &&
    c.subnetMax === e.subnetMax &&
    c.backend.vni === e.backend.vni &&
    c.backend.port === e.backend.port &&
    c.backend.directRouting === e.backend.directRouting
  );
}

/** When what membership depends on changed, every node (and every NAD naming the network) is looked at again. */
function refreshMembership(deps: NetworkControllerDeps, s: NetworkState, r: ResolvedOverlay): void {
  const key = JSON.stringify([
    r.nodeSelector ?? null,
    r.config,
    r.attachment,
    s.configured,
    s.etcdPrefix,
  ]);
  if (s.membershipKey === key) return;
  s.membershipKey = key;
  for (const node of new Set([...deps.cluster.nodes.store.keys(), ...(s.leases?.nodes() ?? [])]))
    deps.enqueueNode(node);
  for (const nad of deps.cluster.nads.store.byIndex(BY_OVERLAY, s.name))
    deps.enqueueNad(`${nad.metadata?.namespace ?? ''}/${nad.metadata?.name ?? ''}`);
}

interface StatusInput {
  specProblem?: StatusProblem;
  configProblem?: StatusProblem;
  warnings: StatusProblem[];
  nads: { generated: number; total: number };
}

async function writeStatus(
  deps: NetworkControllerDeps,
  obj: OverlayNetwork,
  s: NetworkState,
  input: StatusInput,
): Promise<void> {
  const obs = observeNetwork(s, deps.cluster, {
    generation: obj.metadata?.generation ?? 0,
    ...input,
  });
  deps.metrics.subnetsAllocated.set({ network: s.name }, obs.allocated);
  deps.metrics.subnetsCapacity.set({ network: s.name }, obs.capacity);
  const next = overlayStatus(obs, obj.status, new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
  announceChanges(deps.recorder, obj, next);
  if (sameOverlayStatus(obj.status, next)) return;
  await deps.client.patch(
    OVERLAY_NETWORKS,
    { name: s.name },
    { status: next },
    { type: 'merge', status: true, fieldManager: FIELD_MANAGER },
  );
}

/** Deletion: release every lease and record, the config (unless others lease under the prefix),
 * the NADs; then drop the finalizer. */
async function finalize(
  deps: NetworkControllerDeps,
  obj: OverlayNetwork,
  s: NetworkState,
  resolved: ResolvedOverlay | undefined,
): Promise<void> {
  if (!obj.metadata?.finalizers?.includes(FINALIZER)) {
    await forget(deps, s.name);
    return;
  }
  s.deleting = true;
  const r = s.resolved ?? resolved;
  if (r !== undefined) {
    const leases = s.leases ?? (await load(deps, s, r));
    const holders = await releaseAll(deps, leases);
    for (const node of holders) deps.enqueueNode(node);
    await removeConfig(deps, obj, leases);
  }
  await reconcileGeneratedNads(deps, s.name, undefined);
  await removeFinalizer(deps, obj);
  deps.recorder.event(obj, {
    type: 'Normal',
    reason: 'CleanedUp',
    action: 'Delete',
    note: `leases, owner records and NetworkAttachmentDefinitions of ${s.name} removed`,
  });
  deps.logger.info({ key: s.name }, 'network deleted: leases, config and NADs removed');
}

/** Takes our finalizer off, by index with a test, so a concurrent change of the list is never
 * lost and an object already gone is simply done (an apply would try to create it). */
async function removeFinalizer(deps: NetworkControllerDeps, obj: OverlayNetwork): Promise<void> {
  const at = obj.metadata?.finalizers?.indexOf(FINALIZER) ?? -1;
  if (at < 0) return;
  const path = `/metadata/finalizers/${at}`;
  try {
    await deps.client.patch(
      OVERLAY_NETWORKS,
      { name: obj.metadata?.name ?? '' },
      [
        { op: 'test', path, value: FINALIZER },
        { op: 'remove', path },
      ],
      { type: 'json', fieldManager: FIELD_MANAGER },
    );
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/** Deletes every owner record and our lease behind it; returns the nodes that held one. */
async function releaseAll(deps: NetworkControllerDeps, leases: NetworkLeases): Promise<string[]> {
  const holders = leases.nodes();
  for (let round = 0; round < 4 && leases.nodes().length > 0; round++) {
    const groups = leases
      .nodes()
      .flatMap(
        (node) => planNode(node, [{ leases, vni: 0, member: false, mayJoin: false }]).groups,
      );
    await deps.store.commit(groups);
  }
  if (leases.nodes().length > 0)
    throw new Error(
      `${leases.nodes().length} owner records under ${leases.ref.etcdPrefix} changed while being deleted; retrying`,
    );
  return holders;
}

async function removeConfig(
  deps: NetworkControllerDeps,
  obj: OverlayNetwork,
  leases: NetworkLeases,
): Promise<void> {
  const config = leases.configKv;
  if (config === undefined) return;
  const foreign = leases.counts().foreign;
  if (foreign > 0) {
    deps.recorder.event(obj, {
      type: 'Warning',
      reason: 'ConfigKept',
      action: 'Delete',
      note: `${config.key} stays: ${foreign} lease(s) of others (an upstream flanneld?) still use the prefix`,
    });
    return;
  }
  const [r] = await deps.store.commit([
    {
      leases,
      ops: [{ key: config.key, expect: { modRevision: config.modRevision }, then: 'delete' }],
    },
  ]);
  if (!r?.succeeded) throw new Error(`${config.key} changed while being deleted; retrying`);
}

/** The object is gone (or not ours to clean up): forget its index and metrics. */
async function forget(deps: NetworkControllerDeps, name: string): Promise<void> {
  const s = deps.registry.get(name);
  deps.registry.delete(name);
  await deps.store.close(name);
  deps.metrics.subnetsAllocated.remove({ network: name });
  deps.metrics.subnetsCapacity.remove({ network: name });
  for (const node of s?.leases?.nodes() ?? []) deps.enqueueNode(node);
  for (const node of s?.waiting ?? []) deps.enqueueNode(node);
}
