// Clean-up for the operator's e2e files: delete their OverlayNetworks and wait (bounded) until
// their operator has taken its finalizer off, before that operator stops with the file's run.
// Otherwise the shared control plane keeps networks stuck in deletion for the next files.
import { OVERLAY_NETWORKS, isNotFound } from '../lib/kube/index.ts';
import type { KubeClient } from '../lib/kube/index.ts';

export async function deleteNetworks(
  client: KubeClient | undefined,
  names: readonly string[],
  timeoutMs = 20_000,
): Promise<void> {
  if (client === undefined) return;
  for (const name of names) await client.delete(OVERLAY_NETWORKS, { name }).catch(() => {});
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    while (Date.now() < deadline) {
      const gone = await client.get(OVERLAY_NETWORKS, { name }).then(
        () => false,
        (e: unknown) => isNotFound(e),
      );
      if (gone) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
