// CNI DEL of the meta plugin: everything comes from the DEL cache (no API server needed),
// every delegate is tried last first, errors are reported, and a second DEL finds nothing to
// do and succeeds. Without a record (the agent never saw the ADD) the cluster network alone is
// deleted, as the runtime would have done without Plexus.
import type { CniRequest } from '../cni/cni-request.ts';
import { liveNetns, releaseAttachment } from './attachment-release.ts';
import type { EngineDeps } from './engine-deps.ts';
import { readMetaRequest } from './meta-request.ts';

export async function delCommand(deps: EngineDeps, req: CniRequest): Promise<void> {
  await deps.locks.run(req.containerId, async () => {
    const record = await deps.cache.read(req.containerId, req.ifName, (why) =>
      deps.logger.error({ container: req.containerId }, why),
    );
    const netns = liveNetns(req.netns, record?.netns);
    if (record !== undefined) return releaseAttachment(deps, record, netns);
    const { cluster, runtimeConfig } = readMetaRequest(req);
    await deps.runner.del(cluster, {
      containerId: req.containerId,
      netns,
      ifName: req.ifName,
      cniArgs: req.cniArgs,
      capabilityArgs: runtimeConfig,
    });
  });
}
