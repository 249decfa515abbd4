// Test helper: the "YAML oracle", a tiny Go program of ours
// (testdata/yaml-oracle/) that reads manifest files with k8s.io/apimachinery's
// decoder over sigs.k8s.io/yaml, exactly as kubectl does, and prints what it
// read. Built once from the Go module proxy and cached under
// <cache>/bin/yaml-oracle-<hash of its source>/, where <cache> is the one
// scripts/build-k8s-binaries.sh uses (PLEXUS_CACHE_DIR, else XDG_CACHE_HOME/plexus,
// else ~/.cache/plexus).
// Also finds the cached kubectl, for the checks that ask kubectl itself.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata', 'yaml-oracle');
const SOURCE_FILES = ['go.mod', 'go.sum', 'main.go'];

/** What kubectl read from one file: its documents as JSON, and the error that stopped it. */
export interface OracleResult {
  documents: unknown[];
  error: string | null;
}

export type Found = { path: string } | { missing: string };

function cacheBin(): string {
  const xdg = process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache');
  return join(process.env['PLEXUS_CACHE_DIR'] ?? join(xdg, 'plexus'), 'bin');
}

/** What the oracle needs that this machine lacks, if anything (cheap: no build). */
export function yamlOracleMissing(): string | undefined {
  if (spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0) return undefined;
  return 'the Go toolchain (`go` on PATH) that builds the kubectl YAML oracle';
}

/** The oracle binary, built if needed (the first build fetches modules from the Go proxy). */
export function yamlOracle(): string {
  const hash = createHash('sha256');
  for (const f of SOURCE_FILES) hash.update(f).update(readFileSync(join(SOURCE, f)));
  const dir = join(cacheBin(), `yaml-oracle-${hash.digest('hex').slice(0, 16)}`);
  const bin = join(dir, 'yaml-oracle');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  // Built beside its final name and renamed, so parallel test files never see half a binary.
  const tmp = `${bin}.${process.pid}.tmp`;
  const built = spawnSync('go', ['build', '-trimpath', '-o', tmp, '.'], {
    cwd: SOURCE,
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
  });
  if (built.status !== 0) throw new Error(`building the YAML oracle failed:\n${built.stderr}`);
  renameSync(tmp, bin);
  return bin;
}

/** Reads `files` with the oracle, one result per file. */
export function readWithOracle(oracle: string, files: readonly string[]): OracleResult[] {
  const run = spawnSync(oracle, files, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`the YAML oracle failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as OracleResult[];
}

/** The kubectl that scripts/build-k8s-binaries.sh caches, or KUBECTL_BIN. */
export function cachedKubectl(): Found {
  const given = process.env['KUBECTL_BIN'];
  if (given !== undefined && existsSync(given)) return { path: given };
  const bin = cacheBin();
  const dirs = existsSync(bin) ? readdirSync(bin).filter((d) => d.startsWith('kubectl-')) : [];
  for (const d of dirs.sort().reverse()) {
    const path = join(bin, d, 'kubectl');
    if (existsSync(path)) return { path };
  }
  return {
    missing: `kubectl (KUBECTL_BIN, or ${bin}/kubectl-*/kubectl from scripts/build-k8s-binaries.sh)`,
  };
}
