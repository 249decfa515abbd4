// Taking Plexus off a node without leaving the runtime a config that points at nothing:
// 00-plexus.conflist goes first (new pods get the cluster network directly), and the shim goes
// too unless pods attached through Plexus are still recorded: their DEL still needs the shim
// and an agent, so they are listed for the person to delete first.
import { existsSync } from 'node:fs';
import { DAEMON_SETS, isNotFound } from '../../lib/kube/index.ts';
import type { KubeClient } from '../../lib/kube/index.ts';
import { DelCache } from '../engine/del-cache.ts';
import { removeNodeConflist } from './node-conflist.ts';
import { removeShim } from './shim-install.ts';

export interface UninstallOptions {
  cniConfDir: string;
  cniBinDir: string;
  stateDir: string;
}

export interface UninstallOutcome {
  /** True when the shim was removed too. */
  complete: boolean;
  /** Pods (namespace/name, or the container ID) still attached through Plexus. */
  attached: string[];
}

export async function uninstallAgent(opts: UninstallOptions): Promise<UninstallOutcome> {
  await removeNodeConflist(opts.cniConfDir);
  const cache = new DelCache(opts.stateDir);
  const records = existsSync(cache.dir) ? await cache.list() : [];
  const attached = records.map((r) =>
    r.pod !== undefined ? `${r.pod.namespace}/${r.pod.name}` : `container ${r.containerId}`,
  );
  if (records.length > 0) return { complete: false, attached };
  await removeShim(opts.cniBinDir);
  return { complete: true, attached };
}

/** True when the agent's DaemonSet is gone or being deleted: the SIGTERM is an uninstall,
 * not a restart. Unknown (API server away) counts as a restart, which keeps the config. */
export async function ownerDaemonSetDeleted(
  client: KubeClient,
  owner: { namespace: string; name: string },
): Promise<boolean> {
  try {
    const ds = await client.get(DAEMON_SETS, owner, AbortSignal.timeout(5000));
    return ds.metadata?.deletionTimestamp !== undefined && ds.metadata.deletionTimestamp !== null;
  } catch (e) {
    return isNotFound(e);
  }
}
