// A problem with what `plexus validate` was asked to read (a missing path, a
// FIFO, a file too large): reported as one line, with exit code 2.
import type { Stats } from 'node:fs';

export class InputError extends Error {}

const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'the path is too long',
  EISDIR: 'is a directory',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

/** `cannot <what> <path>: <reason>` for an error from node:fs. */
export function fsInputError(what: string, path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const reason =
    code !== undefined && ERRNO_WORDS[code] !== undefined
      ? ERRNO_WORDS[code]
      : firstLine((e as Error).message);
  return new InputError(`cannot ${what} ${path}: ${reason}`);
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/** For a path that is a FIFO, device or socket: reading it would block or never end. */
export function notRegularFileError(path: string, st: Stats): InputError {
  const what = st.isFIFO()
    ? 'a FIFO (named pipe)'
    : st.isCharacterDevice()
      ? 'a character device'
      : st.isBlockDevice()
        ? 'a block device'
        : st.isSocket()
          ? 'a socket'
          : 'a special file';
  return new InputError(
    `cannot read ${path}: it is ${what}, not a regular file; give files, directories, or - to read stdin`,
  );
}
