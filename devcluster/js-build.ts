// The running parts as plain JavaScript: every .ts file of api/, lib/, node-plugin/ and cli/
// with its types stripped (node:module's stripTypeScriptTypes, the very transform Node applies
// when it loads a .ts file) and relative `.ts` imports renamed `.js`. Loading TypeScript makes
// Node start its type stripper, a WebAssembly module that costs about 28 MB of RSS for the
// life of the process; the node agent's budget is 80 MB, so a node image ships this tree, and
// the dev cluster runs its agents from it. Built into the cache, keyed by the sources' content.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
/** The folders the `plexus` CLI loads from (cli/main.ts loads a running part when it is asked for). */
export const JS_BUILD_DIRS = ['api', 'lib', 'operator', 'webhooks', 'node-plugin', 'cli'] as const;

function cacheRoot(): string {
  const env = process.env;
  return env.PLEXUS_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'plexus');
}

/** The sources of the build: production .ts files (tests and test fixtures left out). */
function sources(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules' || e.name === 'testdata') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
    }
  };
  for (const d of JS_BUILD_DIRS) if (existsSync(join(REPO, d))) walk(join(REPO, d));
  return out.sort();
}

/** `from './x.ts'` and `import('./x.ts')` → `.js`; bare and node: specifiers stay. */
export function renameImports(js: string): string {
  return js.replace(/((?:from|import)\s*\(?\s*['"]\.{1,2}\/[^'"\n]*?)\.ts(['"])/g, '$1.js$2');
}

/** The stripped tree's dir (built unless cached); run `<dir>/cli/plexus.js`. */
export function resolveJsBuild(): string {
  const files = sources();
  // Keyed by the checkout too: the build links this checkout's node_modules, and a build of the
  // same sources made by another checkout (since deleted, as a CI clone is) would link nothing.
  const hash = createHash('sha256').update(process.version).update('\0').update(REPO);
  for (const f of files)
    hash.update(relative(REPO, f)).update('\0').update(readFileSync(f)).update('\0');
  const root = join(cacheRoot(), 'js');
  const dest = join(root, `plexus-${hash.digest('hex').slice(0, 16)}`);
  const marker = join(dest, '.plexus-build');
  if (existsSync(marker)) {
    const now = new Date();
    utimesSync(marker, now, now); // recently used: kept by the prune below
    return dest;
  }
  const tmp = `${dest}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (const f of files) {
    const out = join(tmp, relative(REPO, f)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, renameImports(stripTypeScriptTypes(readFileSync(f, 'utf8'))));
  }
  writeFileSync(
    join(tmp, 'package.json'),
    `${JSON.stringify({ type: 'module', private: true })}\n`,
  );
  symlinkSync(join(REPO, 'node_modules'), join(tmp, 'node_modules'));
  writeFileSync(join(tmp, '.plexus-build'), `files=${files.length}\nnode=${process.version}\n`);
  // Another process may have finished the same build meanwhile: its copy is as good as ours.
  try {
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(marker)) throw e;
  }
  pruneOldBuilds(root, dest);
  return dest;
}

/** Builds nobody used for 14 days go (each checkout and each source change makes one); so do
 * builds whose checkout is gone (their node_modules link points at nothing). */
function pruneOldBuilds(root: string, keep: string): void {
  const cutoff = Date.now() - 14 * 24 * 3600 * 1000;
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    if (dir === keep || !name.startsWith('plexus-')) continue;
    try {
      const stale = statSync(join(dir, '.plexus-build')).mtimeMs < cutoff;
      if (stale || !existsSync(join(dir, 'node_modules')))
        rmSync(dir, { recursive: true, force: true });
    } catch {
      // no marker: an interrupted build of another process, or one being written
    }
  }
}
