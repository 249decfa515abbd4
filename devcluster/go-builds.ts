// Finds or builds Go programs through scripts/build-go.sh, which owns the
// build, the cache (keyed by sources and Go version) and the pinned upstream
// versions: our own modules (the CNI shim, test and bench tools) and upstream
// ones (the CNI reference plugins). Tests and `plexus dev` call this.
import { fileURLToPath } from 'node:url';
import { runBuildScript } from './build-script.ts';
import type { BinarySource } from './binaries.ts';

export const BUILD_GO_SCRIPT = fileURLToPath(new URL('../scripts/build-go.sh', import.meta.url));

export interface GoBuildSpec {
  /** Cache name (a-z, 0-9, -); its variables are NAME upper-cased: PLEXUS_SHIM_BIN, CNI_PLUGINS_DIR. */
  name: string;
  /** A module directory with go.mod, or MODULE@VERSION; omitted for a preset of the script. */
  source?: string;
  /** Packages relative to the module root; default "." (one binary called `name`). */
  packages?: readonly string[];
  /** Extra -ldflags (e.g. -X version stamps). */
  ldflags?: string;
}

export interface GoBuild {
  name: string;
  /** Dir of the binaries. */
  dir: string;
  /** The binary, for one-binary builds. */
  bin?: string;
  source: BinarySource;
  /** Seconds spent resolving (and building, when it had to). */
  seconds: number;
}

export interface GoBuildOptions {
  /** Build when not cached (default true). When false, a missing build is an error saying how to make it. */
  build?: boolean;
  /** Where build progress goes (default: process.stderr). */
  progress?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** The CNI reference plugins (containernetworking/plugins, CNI 1.1 with GC and STATUS), version pinned by the script. */
export const CNI_PLUGINS: GoBuildSpec = { name: 'cni-plugins' };

/** The prefix of a build's variables: `plexus-shim` → `PLEXUS_SHIM`. */
export function variablePrefix(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export function scriptArgs(spec: GoBuildSpec): string[] {
  const flags = spec.ldflags ? ['--ldflags', spec.ldflags] : [];
  const source = spec.source === undefined ? [] : [spec.source, ...(spec.packages ?? [])];
  return [...flags, '--', spec.name, ...source];
}

/** Resolves a Go build: from the env (NAME_BIN / NAME_DIR), the cache, or a fresh build. */
export async function resolveGoBuild(
  spec: GoBuildSpec,
  opts: GoBuildOptions = {},
): Promise<GoBuild> {
  const started = performance.now();
  const env = opts.env ?? process.env;
  const build = opts.build ?? true;
  const progress = opts.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const args = build ? scriptArgs(spec) : ['--paths', ...scriptArgs(spec)];
  const vars = await runBuildScript(BUILD_GO_SCRIPT, args, {
    env,
    progress,
    what: `building ${spec.name} (${BUILD_GO_SCRIPT} ${args.join(' ')})`,
  });
  const prefix = variablePrefix(spec.name);
  const dir = vars.get(`${prefix}_DIR`);
  const from = vars.get(`${prefix}_FROM`);
  if (!dir || !from) throw new Error(`${BUILD_GO_SCRIPT} did not print ${prefix}_DIR and _FROM`);
  if (from === 'missing') {
    throw new Error(
      `${spec.name} is not built (${dir}); run: bash scripts/build-go.sh ${args.slice(1).join(' ')}` +
        ` (or set ${prefix}_DIR / ${prefix}_BIN)`,
    );
  }
  if (from !== 'env' && from !== 'cache' && from !== 'built')
    throw new Error(`${BUILD_GO_SCRIPT} printed ${prefix}_FROM=${from}`);
  const bin = vars.get(`${prefix}_BIN`);
  const seconds = (performance.now() - started) / 1000;
  return { name: spec.name, dir, ...(bin ? { bin } : {}), source: from, seconds };
}

/** The CNI reference plugins' bin dir, built from the Go module proxy when not cached. */
export function resolveCniPlugins(opts: GoBuildOptions = {}): Promise<GoBuild> {
  return resolveGoBuild(CNI_PLUGINS, opts);
}
