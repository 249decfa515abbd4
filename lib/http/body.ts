// Reading a request body with a size cap: over the cap is a BodyTooLargeError, never a buffer
// that grows without bound.
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes; send a smaller body`);
    this.name = 'BodyTooLargeError';
    this.limit = limit;
  }
}

const EMPTY = Buffer.alloc(0);

/** What collectBody calls once: the whole body, or BodyTooLargeError. */
export type BodyCallback = (err: BodyTooLargeError | undefined, body: Buffer) => void;

/**
 * Collects the body and calls `done` once, with the body or with BodyTooLargeError as soon as
 * Content-Length or the bytes read pass `limit` (the rest of the body is then discarded as it
 * comes, so the caller may answer and drain). A client that goes away mid-body never gets a
 * call: its response closes with the socket. Two listeners and no promise per request: this is
 * on every request's path.
 */
export function collectBody(req: IncomingMessage, limit: number, done: BodyCallback): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    done(new BodyTooLargeError(limit), EMPTY);
    return;
  }
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let size = 0;
  let finished = false;
  req.on('data', (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > limit) {
      finished = true;
      first = more = undefined;
      done(new BodyTooLargeError(limit), EMPTY);
    } else if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  req.on('end', () => {
    if (finished) return;
    finished = true;
    done(undefined, more === undefined ? (first ?? EMPTY) : Buffer.concat(more, size));
  });
}

/** The whole body, or BodyTooLargeError as soon as Content-Length or the bytes read pass `limit`
 * (the request is then paused: the caller answers 413 and closes the connection). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const onAborted = (): void => {
      if (!req.complete) reject(new Error('client closed the connection mid-body'));
    };
    req.once('close', onAborted);
    collectBody(req, limit, (err, body) => {
      req.off('close', onAborted);
      if (err === undefined) return resolve(body);
      req.pause();
      reject(err);
    });
  });
}
