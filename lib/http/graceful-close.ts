// Graceful close for an HTTP(S) server: stop accepting, let the requests in flight finish (their
// responses say Connection: close), close idle keep-alive sockets at once, and cut whatever is
// left when the deadline passes.
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface GracefulCloser {
  /** True once close() was called. */
  readonly closing: boolean;
  /** Requests whose response has not finished. */
  readonly inFlight: number;
  /** Resolves when every connection is gone; sockets still busy at deadlineMs are destroyed. */
  close(deadlineMs: number): Promise<void>;
}

export function trackForGracefulClose(server: HttpServer): GracefulCloser {
  let closing: Promise<void> | undefined;
  let inFlight = 0;
  const busy = new WeakMap<Socket, number>();
  const open = new Set<ServerResponse>();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    inFlight++;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    if (closing) res.shouldKeepAlive = false;
    open.add(res);
    res.once('close', () => {
      open.delete(res);
      inFlight--;
      const left = (busy.get(socket) ?? 1) - 1;
      busy.set(socket, left);
      // A response that finished after close() began: its connection goes now.
      if (closing && left === 0) socket.destroySoon();
    });
  });

  return {
    get closing() {
      return closing !== undefined;
    },
    get inFlight() {
      return inFlight;
    },
    close(deadlineMs) {
      closing ??= new Promise((resolve) => {
        // Responses not yet started tell their client this connection ends with them.
        for (const res of open) if (!res.headersSent) res.shouldKeepAlive = false;
        const timer = setTimeout(() => server.closeAllConnections(), deadlineMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        // close() stops accepting; idle keep-alive sockets would otherwise hold it open.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
