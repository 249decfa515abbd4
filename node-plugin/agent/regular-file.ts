// Reading files the agent does not own (the runtime's CNI conf and bin dirs): only regular
// files (a FIFO or a device there would block a read forever) and only up to a size limit.
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';

export class NotRegularFileError extends Error {}

/** The file's bytes; throws NotRegularFileError for anything but a regular file within `maxBytes`. */
export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; the type check below refuses it.
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new NotRegularFileError(`${path} is not a regular file`);
    if (st.size > maxBytes)
      throw new NotRegularFileError(`${path} is ${st.size} bytes, over the ${maxBytes} read here`);
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}
