// Installs the shim binary into the CNI bin dir under each name the runtime may execute
// (plexus, plexus-overlay, veth-to-host): a temp copy renamed into place, so a runtime never
// executes a half-written file; skipped when the installed copy is already identical.
import { chmod, copyFile, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SHIM_NAMES } from '../plugin-registry.ts';

export async function installShim(shimPath: string, binDir: string): Promise<string[]> {
  const source = await readFile(shimPath);
  const written: string[] = [];
  for (const name of SHIM_NAMES) {
    const dest = join(binDir, name);
    try {
      if ((await readFile(dest)).equals(source)) continue;
    } catch {
      // absent
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
