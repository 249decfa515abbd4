// CNI ADD of the meta plugin: the cluster network as the runtime's interface, then each
// attachment in annotation order (one by one, or all at once with concurrentAttachments), the
// default-route request applied, the network-status published. The DEL cache is written before
// the first delegate runs; a failure anywhere undoes every delegate already started, so a
// failed ADD leaves nothing behind. Returns the cluster network's result, as Multus does.
import { networkStatusFromCniResult } from '../../api/npwg/index.ts';
import type { Pod } from '../../lib/kube/index.ts';
import { CNI_CODES, CniFailure, toCniFailure } from '../cni/cni-error.ts';
import type { CniRequest } from '../cni/cni-request.ts';
import { convertResult } from '../cni/cni-result.ts';
import type { CniResult } from '../cni/cni-result.ts';
import type { PodRef } from '../kube/pod-source.ts';
import { delDelegates, joinFailures, liveNetns } from './attachment-release.ts';
import { CACHE_KIND } from './del-cache.ts';
import type { CachedAttachment, CachedDelegate } from './del-cache.ts';
import { planDelegates } from './delegate-plan.ts';
import type { EngineDeps } from './engine-deps.ts';
import { podRefOf, readMetaRequest } from './meta-request.ts';
import { resolvePodNetworks } from './pod-networks.ts';
import { applyDefaultRoute } from './pod-routes.ts';

export async function addCommand(deps: EngineDeps, req: CniRequest): Promise<CniResult> {
  const { meta, cluster, runtimeConfig } = readMetaRequest(req);
  const ref = podRefOf(req.args);
  const t = phaseTimer();
  return deps.locks.run(req.containerId, async () => {
    t.lap('lock');
    const existing = await deps.cache.read(req.containerId, req.ifName);
    if (existing !== undefined && existing.state === 'added')
      throw new CniFailure(
        CNI_CODES.invalidConfig,
        `container ${req.containerId} already has ${req.ifName}: DEL it before adding it again`,
      );
    let pod: Pod | undefined;
    let plan: CachedDelegate[];
    if (ref !== undefined && deps.kube !== undefined) {
      pod = await deps.kube.pods.get(ref);
      const set = await resolvePodNetworks(deps.kube, pod, meta, req.ifName);
      plan = planDelegates({
        clusterNetwork: cluster,
        clusterIfName: req.ifName,
        runtimeCapabilityArgs: runtimeConfig,
        ...set,
      });
    } else {
      plan = planDelegates({
        clusterNetwork: cluster,
        clusterIfName: req.ifName,
        runtimeCapabilityArgs: runtimeConfig,
        networks: { attachments: [] },
        nadConfigs: new Map(),
      });
    }
    t.lap('resolve');
    // A record left by an ADD that crashed halfway: undo it before starting again.
    if (existing !== undefined) await undoStarted(deps, existing, existing.delegates);
    const record: CachedAttachment = {
      kind: CACHE_KIND,
      containerId: req.containerId,
      ifName: req.ifName,
      netns: req.netns,
      cniArgs: req.cniArgs,
      state: 'adding',
      createdAt: new Date().toISOString(),
      delegates: plan,
    };
    if (ref !== undefined) record.pod = { ...ref, uid: pod?.metadata?.uid ?? ref.uid };
    await deps.cache.write(record);
    t.lap('cache');
    await addDelegates(deps, record);
    t.lap('delegates');
    record.state = 'added';
    // The final record and the status write do not depend on each other.
    await Promise.all([
      deps.cache.write(record),
      pod === undefined ? undefined : publish(deps, record, pod),
    ]);
    t.lap('record+status');
    deps.logger.debug({ container: req.containerId, ms: t.laps }, 'ADD done');
    return convertResult(plan[0]?.result, req.cniVersion || cluster.cniVersion);
  });
}

/** Milliseconds spent per phase of a request, for the debug log. */
function phaseTimer(): { lap(name: string): void; laps: Record<string, number> } {
  let last = performance.now();
  const laps: Record<string, number> = {};
  return {
    laps,
    lap(name) {
      const now = performance.now();
      laps[name] = Math.round(((laps[name] ?? 0) + now - last) * 10) / 10;
      last = now;
    },
  };
}

/** Runs the delegates; on any failure undoes every one started and rethrows. */
async function addDelegates(deps: EngineDeps, record: CachedAttachment): Promise<void> {
  const [cluster, ...attachments] = record.delegates as [CachedDelegate, ...CachedDelegate[]];
  const started: CachedDelegate[] = [];
  const addFailed = new Set<CachedDelegate>();
  const addOne = async (d: CachedDelegate): Promise<void> => {
    started.push(d);
    try {
      d.result = await deps.runner.add(d.network, {
        containerId: record.containerId,
        netns: record.netns,
        ifName: d.ifName,
        cniArgs: record.cniArgs,
        capabilityArgs: d.capabilityArgs,
      });
    } catch (e) {
      addFailed.add(d);
      throw toCniFailure(e, `ADD of ${d.name} (${d.ifName})`);
    }
  };
  try {
    await addOne(cluster);
    if (deps.concurrentAttachments) {
      const outcomes = await Promise.allSettled(attachments.map(addOne));
      const failed = outcomes.find((o) => o.status === 'rejected');
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    } else {
      for (const d of attachments) await addOne(d);
    }
    await applyDefaultRoute(record.netns, record.delegates);
  } catch (e) {
    const failure = toCniFailure(e);
    const order = record.delegates.filter((d) => started.includes(d));
    await undoStarted(deps, record, order, addFailed);
    throw failure;
  }
}

/**
 * Rolls back `delegates` of the record (last first); the record keeps only what could not be
 * undone. A delegate whose own ADD failed is not kept when its DEL fails too: a plugin that
 * cannot even read its config (a macvlan whose master is missing) fails DEL forever, and
 * keeping it would fail every later DEL of the pod.
 */
async function undoStarted(
  deps: EngineDeps,
  record: CachedAttachment,
  delegates: readonly CachedDelegate[],
  addFailed: ReadonlySet<CachedDelegate> = new Set(),
): Promise<void> {
  const netns = liveNetns(record.netns);
  const outcome = await delDelegates(deps, record, delegates, netns);
  const failed = outcome.failed.filter((d) => !addFailed.has(d));
  const failures = outcome.failures;
  if (outcome.failed.length > failed.length)
    deps.logger.warn(
      { container: record.containerId, err: joinFailures(failures).message },
      'DEL of the delegate whose ADD failed failed too; nothing of it is kept',
    );
  if (failed.length === 0) await deps.cache.remove(record.containerId, record.ifName);
  else {
    await deps.cache.write({ ...record, state: 'adding', delegates: failed });
    deps.logger.error(
      { container: record.containerId, err: joinFailures(failures).message },
      'rollback left delegates behind; a DEL or GC of this container will retry them',
    );
  }
}

/** network-status and AddedInterface events; the ADD does not wait beyond the first attempt. */
function publish(deps: EngineDeps, record: CachedAttachment, pod: Pod): Promise<boolean> {
  const kube = deps.kube;
  if (kube === undefined || record.pod === undefined) return Promise.resolve(false);
  const entries = record.delegates.map((d) =>
    networkStatusFromCniResult(d.name, d.result, { ifName: d.ifName, isDefault: d.isDefault }),
  );
  kube.events.addedInterfaces(
    pod,
    record.delegates.map((d) => ({ ifName: d.ifName, addresses: addressesOf(d), network: d.name })),
  );
  return kube.publisher.publish(record.pod as PodRef, entries);
}

/** The addresses (with prefix) the result puts on the delegate's own interface. */
function addressesOf(d: CachedDelegate): string[] {
  const r = d.result ?? {};
  const interfaces = Array.isArray(r.interfaces)
    ? (r.interfaces as { name?: unknown; sandbox?: unknown }[])
    : [];
  const index = interfaces.findIndex((i) => i?.name === d.ifName && typeof i.sandbox === 'string');
  const ips = Array.isArray(r.ips) ? (r.ips as { address?: unknown; interface?: unknown }[]) : [];
  return ips
    .filter((ip) => typeof ip?.address === 'string' && (index < 0 || ip.interface === index))
    .map((ip) => ip.address as string);
}
