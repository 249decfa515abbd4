// Test helper: the "YAML oracle", a tiny Go program of ours
// (testdata/yaml-oracle/) that reads manifest files with k8s.io/apimachinery's
// decoder over sigs.k8s.io/yaml, exactly as kubectl does, and prints what it
// read. Built from the Go module proxy and cached by scripts/build-go.sh, like
// every Go program of ours. Also finds the cached kubectl, for the checks that
// ask kubectl itself.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveBinaries } from '../../../devcluster/binaries.ts';
import { resolveGoBuild } from '../../../devcluster/go-builds.ts';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata', 'yaml-oracle');

/** What kubectl read from one file: its documents as JSON, and the error that stopped it. */
export interface OracleResult {
  documents: unknown[];
  error: string | null;
}

export type Found = { path: string } | { missing: string };

/** What the oracle needs that this machine lacks, if anything (cheap: no build). */
export function yamlOracleMissing(): string | undefined {
  if (spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0) return undefined;
  return 'the Go toolchain (`go` on PATH) that builds the kubectl YAML oracle';
}

/** The oracle binary, built if needed (the first build fetches modules from the Go proxy). */
export async function yamlOracle(): Promise<string> {
  const built = await resolveGoBuild({ name: 'yaml-oracle', source: SOURCE });
  if (built.bin === undefined) throw new Error('scripts/build-go.sh gave no yaml-oracle binary');
  return built.bin;
}

/** Reads `files` with the oracle, one result per file. */
export function readWithOracle(oracle: string, files: readonly string[]): OracleResult[] {
  const run = spawnSync(oracle, files, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`the YAML oracle failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as OracleResult[];
}

/** The kubectl devcluster/binaries.ts resolves (KUBECTL_BIN or the cache), never built here. */
export async function cachedKubectl(): Promise<Found> {
  try {
    return { path: (await resolveBinaries({ build: false })).kubectl.path };
  } catch (e) {
    return { missing: `kubectl (${(e as Error).message.split('\n')[0]})` };
  }
}
