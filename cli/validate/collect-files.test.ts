import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectFiles } from './collect-files.ts';
import { InputError } from './input-error.ts';

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plexus-collect-'));
  mkdirSync(join(dir, 'sub'));
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, 'node_modules'));
  for (const f of ['a.yaml', 'b.yml', 'c.json', 'd.YAML', 'e.yaml.bak', 'f.txt', '.hidden.yaml']) {
    writeFileSync(join(dir, f), 'a: 1\n');
  }
  writeFileSync(join(dir, 'sub', 'g.yaml'), 'a: 1\n');
  writeFileSync(join(dir, '.git', 'h.yaml'), 'a: 1\n');
  writeFileSync(join(dir, 'node_modules', 'i.yaml'), 'a: 1\n');
  return dir;
}

const rel = (dir: string, files: string[]) => files.map((f) => f.slice(dir.length + 1));

describe('collectFiles', () => {
  it("picks .json, .yaml and .yml in directories (case-sensitive, as kubectl's filepath.Ext)", async () => {
    const dir = tree();
    expect(rel(dir, await collectFiles([dir]))).toEqual([
      '.hidden.yaml',
      'a.yaml',
      'b.yml',
      'c.json',
      'sub/g.yaml',
    ]);
  });

  it('reads a file named explicitly whatever its extension', async () => {
    const dir = tree();
    expect(rel(dir, await collectFiles([join(dir, 'f.txt')]))).toEqual(['f.txt']);
  });

  it('follows symbolic links to files and directories, each file once, and ends on a loop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plexus-links-'));
    const real = join(dir, 'real');
    mkdirSync(join(real, 'deep'), { recursive: true });
    writeFileSync(join(real, 'pod.yaml'), 'a: 1\n');
    writeFileSync(join(real, 'deep', 'nad.yaml'), 'a: 1\n');
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    symlinkSync(join(real, 'pod.yaml'), join(tree, 'linked.yaml'));
    symlinkSync(join(real, 'deep'), join(tree, 'linked-dir'));
    symlinkSync(tree, join(tree, 'loop')); // tree/loop → tree
    symlinkSync(join(tree, 'linked.yaml'), join(tree, 'twice.yaml')); // the same file again
    expect(rel(tree, await collectFiles([tree]))).toEqual(['linked-dir/nad.yaml', 'linked.yaml']);
  });

  it('refuses a dangling link that kubectl would read, and ignores one it would not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plexus-dangling-'));
    symlinkSync(join(dir, 'gone'), join(dir, 'notes.txt'));
    expect(await collectFiles([dir])).toEqual([]);
    symlinkSync(join(dir, 'gone'), join(dir, 'pod.yaml'));
    await expect(collectFiles([dir])).rejects.toThrow(/pod\.yaml: it is a broken symbolic link/);
  });

  it('refuses FIFOs and devices, named or found in a directory, without opening them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plexus-fifo-'));
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    await expect(collectFiles([join(dir, 'pipe.yaml')])).rejects.toThrow(
      /pipe\.yaml: it is a FIFO \(named pipe\), not a regular file/,
    );
    await expect(collectFiles([dir])).rejects.toThrow(InputError);
    await expect(collectFiles(['/dev/zero'])).rejects.toThrow(
      '/dev/zero: it is a character device, not a regular file',
    );
  });

  it('names a missing path in one line', async () => {
    await expect(collectFiles(['/nonexistent/x.yaml'])).rejects.toThrow(
      'cannot read /nonexistent/x.yaml: no such file or directory',
    );
  });
});
