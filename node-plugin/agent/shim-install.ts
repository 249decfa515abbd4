// Installs the shim binary into the CNI bin dir under each name the runtime may execute
// (plexus, plexus-overlay, veth-to-host): a temp copy renamed into place, so a runtime never
// executes a half-written file; skipped when the installed copy is already identical.
import { chmod, copyFile, rename, rm } from 'node:fs/promises';
import { readRegularFile } from './regular-file.ts';
import { join } from 'node:path';
import { SHIM_NAMES } from '../plugin-registry.ts';

export async function installShim(shimPath: string, binDir: string): Promise<string[]> {
  const source = await readRegularFile(shimPath, 64 * 1024 * 1024);
  const written: string[] = [];
  for (const name of SHIM_NAMES) {
    const dest = join(binDir, name);
    try {
      if ((await readRegularFile(dest, source.length)).equals(source)) continue;
    } catch {
      // absent, different, or not a regular file: replaced below
    }
    const tmp = join(binDir, `.${name}.${process.pid}.tmp`);
    await copyFile(shimPath, tmp);
    await chmod(tmp, 0o755);
    await rename(tmp, dest);
    written.push(dest);
  }
  return written;
}

export async function removeShim(binDir: string): Promise<void> {
  for (const name of SHIM_NAMES) await rm(join(binDir, name), { force: true });
}
