import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readInput } from './read-input.ts';

describe('readInput', () => {
  it('reads a regular file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'plexus-read-')), 'a.yaml');
    writeFileSync(file, 'a: 1\n');
    expect((await readInput(file, new PassThrough(), 100)).toString()).toBe('a: 1\n');
  });

  it('enforces the cap while reading, not only from stat (a /proc file claims size 0)', async () => {
    await expect(readInput('/proc/self/status', new PassThrough(), 100)).rejects.toThrow(
      '/proc/self/status is larger than',
    );
  });

  it('refuses a file larger than the cap from its size', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'plexus-read-')), 'big.yaml');
    writeFileSync(file, 'x'.repeat(2048));
    await expect(readInput(file, new PassThrough(), 1024)).rejects.toThrow(
      `${file} is larger than`,
    );
  });

  it('stops reading stdin at the cap, even when it never ends', async () => {
    let served = 0;
    const endless = new Readable({
      read() {
        served += 4096;
        this.push(Buffer.alloc(4096, 0x61));
      },
    });
    await expect(readInput('-', endless, 64 * 1024)).rejects.toThrow(/^stdin is larger than/);
    expect(served).toBeLessThan(1024 * 1024);
  });

  it('refuses a device even if a caller skips collectFiles', async () => {
    await expect(readInput('/dev/zero', new PassThrough(), 1024)).rejects.toThrow(
      'it is a character device, not a regular file',
    );
  });
});
