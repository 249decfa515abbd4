// Splits a watch stream into lines without unbounded buffering: a line longer than the limit is
// a LineTooLongError (the informer restarts), never a string that grows until the process dies.
import type { Readable } from 'node:stream';

export class LineTooLongError extends Error {
  constructor(limit: number) {
    super(
      `a watch event exceeds ${limit} bytes; raise the informer's maxEventBytes if objects are that large`,
    );
    this.name = 'LineTooLongError';
  }
}

/** Yields each complete line (without "\n") as UTF-8 text; a trailing partial line is dropped. */
export async function* readLines(stream: Readable, maxLineBytes: number): AsyncGenerator<string> {
  let parts: Buffer[] = [];
  let partLength = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl);
      if (partLength + piece.length > maxLineBytes) throw new LineTooLongError(maxLineBytes);
      const line =
        partLength === 0 ? piece : Buffer.concat([...parts, piece], partLength + piece.length);
      parts = [];
      partLength = 0;
      start = nl + 1;
      if (line.length > 0) yield line.toString('utf8');
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      partLength += rest.length;
      if (partLength > maxLineBytes) throw new LineTooLongError(maxLineBytes);
      parts.push(rest);
    }
  }
}
