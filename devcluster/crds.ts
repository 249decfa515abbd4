// Installs CustomResourceDefinitions into a running control plane: the
// manifests of a dir applied server-side, then waited on until Established.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectl } from './kube.ts';
import type { ControlPlaneInfo } from './kube.ts';

/** crds/ of this repository, generated from api/. */
export const DEFAULT_CRDS_DIR = fileURLToPath(new URL('../crds/', import.meta.url));

/** CRD manifests of a dir (*.yaml, *.yml, *.json), sorted; none when the dir is missing. */
export function crdFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Applies CRD manifests server-side and waits until every CRD is Established. Returns the CRD names. */
export async function installCrds(
  info: ControlPlaneInfo,
  files: readonly string[],
  timeoutSeconds = 60,
): Promise<string[]> {
  if (files.length === 0) return [];
  const res = await kubectl(info, [
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager=plexus-harness',
    '-o',
    'name',
    ...files.flatMap((f) => ['-f', f]),
  ]);
  const names = res.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('customresourcedefinition.apiextensions.k8s.io/'));
  if (names.length > 0) {
    const wait = ['wait', '--for=condition=Established', `--timeout=${timeoutSeconds}s`, ...names];
    await kubectl(info, wait, { timeoutMs: (timeoutSeconds + 10) * 1000 });
  }
  return names.map((n) => n.slice(n.indexOf('/') + 1));
}
