// CNI GC of the meta plugin (spec 1.1): every recorded attachment that is not in
// cni.dev/valid-attachments is released with a full DEL (an ADD that crashed halfway leaves
// such a record), then each delegate network gets GC with the attachments still valid. The
// reference plugins' own GC does nothing yet (v1.9), so the first part is what frees addresses.
import { isPlainObject } from '../../api/common/index.ts';
import { CNI_CODES, CniFailure, toCniFailure } from '../cni/cni-error.ts';
import type { CniRequest } from '../cni/cni-request.ts';
import type { DelegateNetwork, GcAttachment } from '../delegate/network-runner.ts';
import { joinFailures, liveNetns, releaseAttachment } from './attachment-release.ts';
import type { EngineDeps } from './engine-deps.ts';
import { readMetaRequest } from './meta-request.ts';

export const VALID_ATTACHMENTS_KEY = 'cni.dev/valid-attachments';

/** The valid attachments of a GC request; none when the key is absent (libcni without args). */
export function readValidAttachments(config: Record<string, unknown>): GcAttachment[] {
  const v = config[VALID_ATTACHMENTS_KEY] ?? config['cni.dev/attachments'];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v))
    throw new CniFailure(CNI_CODES.invalidConfig, `${VALID_ATTACHMENTS_KEY} must be a list`);
  return v.map((a, i) => {
    if (!isPlainObject(a) || typeof a.containerID !== 'string' || typeof a.ifname !== 'string')
      throw new CniFailure(
        CNI_CODES.invalidConfig,
        `${VALID_ATTACHMENTS_KEY}[${i}] must be {"containerID": …, "ifname": …}`,
      );
    return { containerID: a.containerID, ifname: a.ifname };
  });
}

export async function gcCommand(deps: EngineDeps, req: CniRequest): Promise<void> {
  const { cluster } = readMetaRequest(req);
  const valid = readValidAttachments(req.config);
  const isValid = new Set(valid.map((a) => `${a.containerID}\0${a.ifname}`));
  const failures: CniFailure[] = [];
  const kept: { containerId: string; ifName: string; network: DelegateNetwork }[] = [];
  for (const record of await deps.cache.list()) {
    const inUse = isValid.has(`${record.containerId}\0${record.ifName}`);
    // An operation on the container is under way: its outcome decides, not this GC.
    if (inUse || deps.locks.busy(record.containerId)) {
      for (const d of record.delegates)
        kept.push({ containerId: record.containerId, ifName: d.ifName, network: d.network });
      continue;
    }
    try {
      await deps.locks.run(record.containerId, async () => {
        const fresh = await deps.cache.read(record.containerId, record.ifName);
        if (fresh !== undefined) await releaseAttachment(deps, fresh, liveNetns(fresh.netns));
      });
      deps.logger.info(
        { container: record.containerId, ifName: record.ifName },
        'GC released a stale attachment',
      );
    } catch (e) {
      failures.push(toCniFailure(e, `GC of container ${record.containerId}`));
    }
  }
  for (const [network, attachments] of byNetwork(cluster, kept, valid)) {
    try {
      await deps.runner.gc(network, attachments);
    } catch (e) {
      failures.push(toCniFailure(e, `GC of network ${network.name}`));
    }
  }
  if (failures.length > 0) throw joinFailures(failures);
}

/** Each network once (by name), with the attachments of it that are still valid. */
function byNetwork(
  cluster: DelegateNetwork,
  kept: readonly { containerId: string; ifName: string; network: DelegateNetwork }[],
  valid: readonly GcAttachment[],
): Map<DelegateNetwork, GcAttachment[]> {
  const byName = new Map<string, { network: DelegateNetwork; attachments: GcAttachment[] }>();
  byName.set(cluster.name, { network: cluster, attachments: [...valid] });
  for (const k of kept) {
    let entry = byName.get(k.network.name);
    if (entry === undefined) {
      entry = { network: k.network, attachments: [] };
      byName.set(k.network.name, entry);
    }
    if (k.network.name !== cluster.name)
      entry.attachments.push({ containerID: k.containerId, ifname: k.ifName });
  }
  return new Map([...byName.values()].map((e) => [e.network, e.attachments]));
}
