// The 413 answer to a body over the limit. Closing the connection while the client is still
// sending would make the kernel reset it, and a reset discards whatever the client has not read
// yet, the 413 included. So the answer goes out whole at once with Connection: close, and the
// rest of the body is read and discarded (bounded in bytes, by a pause of the client, and by the
// request deadline) before the connection ends: what nginx calls a lingering close.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GracefulCloser } from './graceful-close.ts';
import type { ServerLimits } from './limits.ts';

export function answerTooLarge(
  req: IncomingMessage,
  res: ServerResponse,
  message: string,
  drain: { limits: ServerLimits; closer: GracefulCloser },
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = `${message}\n`;
  res.shouldKeepAlive = false;
  res.writeHead(413, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    connection: 'close',
  });
  // The whole answer now; end() (after which Node closes the socket) once the client is done.
  res.write(text);
  const { maxDrainBytes, drainIdleMs } = drain.limits;
  // On shutdown such a connection is not worth waiting for.
  const release = drain.closer.cutOnClose(req.socket);
  let drained = 0;
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    release();
    req.off('data', onData);
    res.end();
  };
  const onData = (chunk: Buffer): void => {
    drained += chunk.length;
    if (drained > maxDrainBytes) finish();
    else timer.refresh();
  };
  const timer = setTimeout(finish, drainIdleMs);
  timer.unref();
  req.on('data', onData);
  req.once('end', finish);
  res.once('close', finish);
  req.resume();
}
