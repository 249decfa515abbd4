import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installShim, removeShim } from './shim-install.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plexus-bin-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('installShim', () => {
  it('installs the shim under every name, executable, replacing a FIFO or a stale copy, once', async () => {
    const shim = join(dir, 'source');
    writeFileSync(shim, '#!/bin/sh\necho shim\n');
    execFileSync('mkfifo', [join(dir, 'plexus')]);
    writeFileSync(join(dir, 'veth-to-host'), 'old');
    const written = await installShim(shim, dir);
    expect(written.map((f) => f.slice(dir.length + 1)).sort()).toEqual([
      'plexus',
      'plexus-overlay',
      'veth-to-host',
    ]);
    for (const name of ['plexus', 'plexus-overlay', 'veth-to-host']) {
      expect(readFileSync(join(dir, name), 'utf8')).toBe('#!/bin/sh\necho shim\n');
      expect(statSync(join(dir, name)).mode & 0o777).toBe(0o755);
    }
    expect(await installShim(shim, dir)).toEqual([]);
    await removeShim(dir);
    await expect(installShim(join(dir, 'missing'), dir)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a shim path that is not a regular file', async () => {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    await expect(installShim(join(dir, 'fifo'), dir)).rejects.toThrow(/not a regular file/);
  });
});
