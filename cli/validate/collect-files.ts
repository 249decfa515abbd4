// Turns the paths given to `plexus validate` into the files to read, as
// `kubectl apply -R -f` picks them: a named file whatever its name, and in
// directories (recursively) files ending in .json, .yaml or .yml. Symbolic
// links are followed, with each directory and file visited once, so a link
// loop ends. Only regular files are read: a FIFO or device would hang or
// never end. Hidden directories and node_modules are not searched.
import { readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { extname, join } from 'node:path';
import { InputError, fsInputError, notRegularFileError } from './input-error.ts';

/** kubectl's resource.FileExtensions, matched as filepath.Ext does (case-sensitive). */
const MANIFEST_EXTENSIONS: ReadonlySet<string> = new Set(['.json', '.yaml', '.yml']);

/** `-` stands for stdin. */
export const STDIN = '-';

export async function collectFiles(paths: readonly string[]): Promise<string[]> {
  const walk = new Walk();
  for (const p of paths) {
    if (p === STDIN) {
      walk.files.push(STDIN);
      continue;
    }
    let st: Stats;
    try {
      st = await stat(p);
    } catch (e) {
      throw fsInputError('read', p, e);
    }
    if (st.isDirectory()) await walk.directory(p, st);
    else walk.file(p, st);
  }
  return walk.files;
}

class Walk {
  readonly files: string[] = [];
  readonly #seen = new Set<string>();

  /** Adds a regular file once; refuses anything else. */
  file(path: string, st: Stats): void {
    if (!st.isFile()) throw notRegularFileError(path, st);
    const id = `${st.dev}:${st.ino}`;
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    this.files.push(path);
  }

  async directory(dir: string, st: Stats): Promise<void> {
    const id = `${st.dev}:${st.ino}`;
    // A link back to a directory already walked (a loop, or the same tree twice).
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    let names: string[];
    try {
      names = (await readdir(dir)).sort(byCodeUnit);
    } catch (e) {
      throw fsInputError('read directory', dir, e);
    }
    for (const name of names) await this.#entry(dir, name);
  }

  async #entry(dir: string, name: string): Promise<void> {
    const full = join(dir, name);
    const manifest = MANIFEST_EXTENSIONS.has(extname(name));
    let st: Stats;
    try {
      st = await stat(full);
    } catch (e) {
      // A dangling link that kubectl would try to read is an error; others are not ours.
      if (!manifest) return;
      throw (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? new InputError(`cannot read ${full}: it is a broken symbolic link`)
        : fsInputError('read', full, e);
    }
    if (st.isDirectory()) {
      if (name !== 'node_modules' && !name.startsWith('.')) await this.directory(full, st);
    } else if (manifest) {
      this.file(full, st);
    }
  }
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
