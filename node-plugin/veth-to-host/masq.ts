// The masquerade rules on the node: installed with one iptables-restore per
// family, removed by reading iptables-save and deleting exactly the
// attachment's chain and the jumps to it. Calls in this process take turns,
// so two pods' rules never race for the same table here.
import type { Family } from '../../api/net/index.ts';
import { commandError, runCommand } from './exec.ts';
import { masqCleanupInput, masqRestoreInput, type MasqInput } from './render.ts';

function tool(family: Family, what: 'save' | 'restore'): string {
  return `${family === 4 ? 'iptables' : 'ip6tables'}-${what}`;
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs `job` after every earlier iptables job of this process. */
function inTurn<T>(job: () => Promise<T>): Promise<T> {
  const next = queue.then(job, job);
  queue = next.catch(() => undefined);
  return next;
}

async function restore(doing: string, family: Family, input: string): Promise<void> {
  const argv = [tool(family, 'restore'), '-w', '10', '--noflush'];
  const r = await runCommand(argv, { input });
  if (r.code !== 0) throw commandError(doing, argv, r);
}

export function installMasq(m: MasqInput): Promise<void> {
  return inTurn(() =>
    restore(`installing the masquerade chain ${m.chain}`, m.family, masqRestoreInput(m)),
  );
}

/** Removes the chain and the jumps to it; nothing there is fine. With `unsure` (no
 * record says ADD installed rules of this family), a nat table that cannot be read
 * counts as nothing there: the tool or the family may not exist on this node. */
export function removeMasq(chain: string, family: Family, unsure = false): Promise<void> {
  return inTurn(async () => {
    const save = [tool(family, 'save'), '-t', 'nat'];
    const saved = await runCommand(save);
    if (saved.code !== 0) {
      if (unsure) return;
      throw commandError(`reading the nat table for ${chain}`, save, saved);
    }
    const input = masqCleanupInput(saved.stdout, chain);
    if (input !== undefined) await restore(`removing the masquerade chain ${chain}`, family, input);
  });
}
