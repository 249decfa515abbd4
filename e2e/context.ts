// What e2e/global-setup.ts provides to the test files, and how they get it.
import { inject } from 'vitest';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import { createRun } from '../devcluster/run.ts';
import type { Run, RunRef } from '../devcluster/run.ts';

export interface E2eContext {
  /** Why the suite is skipped (PLEXUS_SKIP_E2E=1), or null when it runs. */
  skip: string | null;
  controlPlane: ControlPlaneInfo | null;
  /** The suite's run; test files make child runs of it, so the suite's teardown (or a reaper) removes what they leave. */
  run: RunRef | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    plexusE2e: E2eContext;
  }
}

export function e2eContext(): E2eContext {
  return inject('plexusE2e');
}

/** The shared control plane; throws when the suite is skipped (use with describe.skipIf(skipReason())). */
export function controlPlane(): ControlPlaneInfo {
  const ctx = e2eContext();
  if (!ctx.controlPlane)
    throw new Error(ctx.skip ?? 'no control plane was provided by e2e/global-setup.ts');
  return ctx.controlPlane;
}

export function skipReason(): string | null {
  return e2eContext().skip;
}

/** A run for one test file, a child of the suite's run: close it in afterAll. */
export function testRun(): Run {
  const ctx = e2eContext();
  if (!ctx.run) throw new Error(ctx.skip ?? 'no run was provided by e2e/global-setup.ts');
  return createRun({ parent: ctx.run });
}
