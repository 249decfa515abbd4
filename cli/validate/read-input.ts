// Reads one input of `plexus validate` into memory, never more than the cap:
// the size is enforced while reading (a file can grow, /proc files claim size
// 0, stdin has none), and only a regular file is read, opened so that a FIFO
// swapped in after the check cannot block the open.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { InputError, fsInputError, notRegularFileError } from './input-error.ts';
import { STDIN } from './collect-files.ts';

const CHUNK = 64 * 1024;

export async function readInput(
  path: string,
  stdin: NodeJS.ReadableStream,
  maxBytes: number,
): Promise<Buffer> {
  return path === STDIN ? readStdin(stdin, maxBytes) : readRegularFile(path, maxBytes);
}

function tooLarge(what: string, maxBytes: number): InputError {
  return new InputError(
    `${what} is larger than ${maxBytes / (1024 * 1024)} MiB, the largest input plexus validate reads; split it into smaller files`,
  );
}

async function readStdin(stdin: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > maxBytes) throw tooLarge('stdin', maxBytes);
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    throw fsInputError('read', path, e);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw notRegularFileError(path, st);
    if (st.size > maxBytes) throw tooLarge(path, maxBytes);
    return await readAtMost(fh, path, maxBytes);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw fsInputError('read', path, e);
  } finally {
    await fh.close();
  }
}

async function readAtMost(fh: FileHandle, path: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(CHUNK);
    const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
    if (bytesRead === 0) return Buffer.concat(chunks, size);
    size += bytesRead;
    if (size > maxBytes) throw tooLarge(path, maxBytes);
    chunks.push(buf.subarray(0, bytesRead));
  }
}
