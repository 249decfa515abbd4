// CNI CHECK of the meta plugin: each recorded delegate checks its own attachment with the
// result it returned on ADD (skipped for networks that disable CHECK).
import { CNI_CODES, CniFailure, toCniFailure } from '../cni/cni-error.ts';
import type { CniRequest } from '../cni/cni-request.ts';
import type { EngineDeps } from './engine-deps.ts';

export async function checkCommand(deps: EngineDeps, req: CniRequest): Promise<void> {
  await deps.locks.run(req.containerId, async () => {
    const record = await deps.cache.read(req.containerId, req.ifName);
    if (record === undefined || record.state !== 'added')
      throw new CniFailure(
        CNI_CODES.unknownContainer,
        `container ${req.containerId} has no attachment ${req.ifName} to CHECK`,
      );
    for (const d of record.delegates) {
      try {
        await deps.runner.check(
          d.network,
          {
            containerId: record.containerId,
            netns: req.netns,
            ifName: d.ifName,
            cniArgs: record.cniArgs,
            capabilityArgs: d.capabilityArgs,
          },
          d.result,
        );
      } catch (e) {
        throw toCniFailure(e, `CHECK of ${d.name} (${d.ifName})`);
      }
    }
  });
}
