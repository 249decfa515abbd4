// Undoing a recorded attachment: DEL of every delegate, last first, each tried whatever the
// others did; the record then goes, or keeps only the delegates whose DEL failed so a retry
// (DEL again, or GC) finishes the job. Used by DEL, by GC for stale attachments, and by ADD to
// roll back. Needs nothing but the record: no API server, no pod, not even the netns.
import { existsSync } from 'node:fs';
import { isPlainObject } from '../../api/common/index.ts';
import { CniFailure, toCniFailure } from '../cni/cni-error.ts';
import type { Released } from '../kube/pod-status-publisher.ts';
import type { CachedAttachment, CachedDelegate } from './del-cache.ts';
import type { EngineDeps } from './engine-deps.ts';

/** The netns to hand DEL: the given one if it still exists, else "" (the spec's "gone"). */
export function liveNetns(...candidates: (string | undefined)[]): string {
  for (const c of candidates) if (c !== undefined && c !== '' && existsSync(c)) return c;
  return '';
}

/** DEL of `delegates` (in reverse) for the record; returns what was released and what failed. */
export async function delDelegates(
  deps: EngineDeps,
  record: CachedAttachment,
  delegates: readonly CachedDelegate[],
  netns: string,
): Promise<{ released: Released; failed: CachedDelegate[]; failures: CniFailure[] }> {
  const ips = new Set<string>();
  const macs = new Set<string>();
  const failed: CachedDelegate[] = [];
  const failures: CniFailure[] = [];
  for (const d of [...delegates].reverse()) {
    const target = {
      containerId: record.containerId,
      netns,
      ifName: d.ifName,
      cniArgs: record.cniArgs,
      capabilityArgs: d.capabilityArgs,
    };
    try {
      await deps.runner.del(d.network, target, d.result);
      collectReleased(d.result, ips, macs);
    } catch (e) {
      failed.unshift(d);
      failures.push(toCniFailure(e, `DEL of ${d.name} (${d.ifName})`));
    }
  }
  return { released: { ips, macs }, failed, failures };
}

/** DEL of a whole record; the record is removed, or rewritten with what is left. Throws when a delegate failed. */
export async function releaseAttachment(
  deps: EngineDeps,
  record: CachedAttachment,
  netns: string,
): Promise<void> {
  const { released, failed, failures } = await delDelegates(deps, record, record.delegates, netns);
  if (failed.length === 0) await deps.cache.remove(record.containerId, record.ifName);
  else await deps.cache.write({ ...record, delegates: failed });
  if (
    record.pod !== undefined &&
    deps.kube !== undefined &&
    released.ips.size + released.macs.size > 0
  )
    // In the background: DEL never waits for (nor fails on) the API server.
    void deps.kube.publisher.release(record.pod, released);
  if (failures.length > 0) throw joinFailures(failures);
}

export function joinFailures(failures: readonly CniFailure[]): CniFailure {
  const first = failures[0] as CniFailure;
  if (failures.length === 1) return first;
  return new CniFailure(
    first.code,
    `${failures.length} delegates failed; first: ${first.msg}`,
    failures.map((f) => f.message).join('; '),
  );
}

function collectReleased(result: unknown, ips: Set<string>, macs: Set<string>): void {
  if (!isPlainObject(result)) return;
  for (const ip of Array.isArray(result.ips) ? (result.ips as unknown[]) : []) {
    if (isPlainObject(ip) && typeof ip.address === 'string')
      ips.add(ip.address.split('/')[0] ?? '');
  }
  for (const itf of Array.isArray(result.interfaces) ? (result.interfaces as unknown[]) : []) {
    if (
      isPlainObject(itf) &&
      typeof itf.mac === 'string' &&
      typeof itf.sandbox === 'string' &&
      itf.sandbox !== ''
    )
      macs.add(itf.mac.toLowerCase());
  }
}
