// Starts one control plane (etcd + kube-apiserver, CRDs installed) for the
// whole e2e project and hands its plain-data description to the test files
// through vitest's provide/inject. Without root (or another prerequisite) the
// project fails with the missing parts named, unless PLEXUS_SKIP_E2E=1 asks
// for a skip explicitly.
import type { TestProject } from 'vitest/node';
import { startControlPlane } from '../devcluster/control-plane.ts';
import { DEFAULT_CRDS_DIR } from '../devcluster/crds.ts';
import { createRun, reapDeadRuns } from '../devcluster/run.ts';
import { missingPrereqs } from '../devcluster/prereqs.ts';
import type { E2eContext } from './context.ts';

export default async function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  const missing = missingPrereqs();
  if (process.env.PLEXUS_SKIP_E2E === '1') {
    const why =
      missing.length > 0
        ? `missing: ${missing.join('; ')}`
        : 'nothing is missing, but PLEXUS_SKIP_E2E=1 asks for a skip';
    const skip = `e2e tests skipped (PLEXUS_SKIP_E2E=1): ${why}`;
    process.stderr.write(`\n[e2e] ${skip}\n\n`);
    project.provide('plexusE2e', { skip, controlPlane: null, run: null } satisfies E2eContext);
    return undefined;
  }
  if (missing.length > 0) {
    throw new Error(
      `the e2e tests cannot run here; missing: ${missing.join('; ')}.\n` +
        'Run them as root after npm run setup, or set PLEXUS_SKIP_E2E=1 to skip them explicitly.',
    );
  }

  const run = createRun();
  try {
    const cp = await startControlPlane({
      run,
      crdsDir: process.env.PLEXUS_CRDS_DIR ?? DEFAULT_CRDS_DIR,
      log: (line) => process.stderr.write(`[e2e] ${line}\n`),
    });
    project.provide('plexusE2e', {
      skip: null,
      controlPlane: cp.info(),
      run: { id: run.id, dir: run.dir },
    } satisfies E2eContext);
  } catch (e) {
    await run.close();
    throw e;
  }
  return async () => {
    await run.close();
    // Test files run in forked workers with runs of their own; a worker that died took no cleanup with it.
    reapDeadRuns();
  };
}
