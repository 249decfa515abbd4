// Removes one attachment: what DEL does, and what a failed ADD rolls back. Every
// step runs even when one before it failed; what is already gone counts as
// done, so running it twice, or after the pod's namespace is gone, succeeds.
import type { Family } from '../../api/net/index.ts';
import { inNetns, runCommand } from './exec.ts';
import { removeMasq } from './masq.ts';
import { restoreDefaultsBatch } from './render.ts';
import type { MovedRoute } from './state.ts';

export interface TeardownTarget {
  hostVeth: string;
  chain: string;
  /** The pod's namespace when it still exists (to put moved default routes back). */
  netns?: string;
  movedDefaults: readonly MovedRoute[];
  /** Families whose masquerade chain must go; a failure there is an error. */
  masqFamilies: readonly Family[];
  /** Families to clean when nothing says whether ADD installed rules: a nat table that
   * cannot be read is skipped, a failed removal is still an error. */
  maybeMasqFamilies: readonly Family[];
  /** A rollback must put the pod's routes back; a DEL of a pod on its way out need not. */
  restoreMustSucceed: boolean;
}

const GONE = /Cannot find device|does not exist|No such device/;

/** Tears down; returns one line per step that failed (empty when all is gone). */
export async function teardown(t: TeardownTarget): Promise<string[]> {
  const problems: string[] = [];
  // Deleting one end deletes the pair, and with them every route and neighbour through it.
  const del = ['ip', 'link', 'del', t.hostVeth];
  const r = await runCommand(del);
  if (r.code !== 0 && !GONE.test(r.stderr))
    problems.push(`${del.join(' ')} exited ${r.code}: ${r.stderr.trim().slice(0, 500)}`);
  if (t.netns !== undefined && t.movedDefaults.length > 0) {
    // -force: a route whose interface went meanwhile must not stop the others.
    const argv = inNetns(t.netns, ['ip', '-force', '-batch', '-']);
    const lines = restoreDefaultsBatch(t.movedDefaults);
    const res = await runCommand(argv, { input: `${lines.join('\n')}\n` });
    if (res.code !== 0 && t.restoreMustSucceed)
      problems.push(`restoring the pod's default routes: ${res.stderr.trim().slice(0, 500)}`);
  }
  const unsure = t.maybeMasqFamilies.filter((f) => !t.masqFamilies.includes(f));
  for (const [family, isUnsure] of [
    ...t.masqFamilies.map((f) => [f, false] as const),
    ...unsure.map((f) => [f, true] as const),
  ]) {
    try {
      await removeMasq(t.chain, family, isUnsure);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return problems;
}
