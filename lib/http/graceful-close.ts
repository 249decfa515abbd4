// Graceful close for an HTTP(S) server: stop accepting; let the requests in flight finish (their
// responses say Connection: close, and their connections end with them); close at once the
// connections that carry no request (idle keep-alive, never used, headers still arriving) and
// those not worth waiting for (a rejected body still arriving); cut whatever is left when the
// deadline passes.
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';

export interface GracefulCloser {
  /** True once close() was called. */
  readonly closing: boolean;
  /** Requests whose response has not finished. */
  readonly inFlight: number;
  /** Registers a response written later (after an await): if close() begins before its headers
   * go out, it says Connection: close. One written before the request's callback returns needs
   * only answering(). */
  pending(res: ServerResponse): void;
  /** Call right before answering a request: once close() has begun, the answer says
   * Connection: close. */
  answering(res: ServerResponse): void;
  /** Marks a connection to be cut as soon as close() begins (at once if it has); the returned
   * function unmarks it. */
  cutOnClose(socket: Socket): () => void;
  /** Resolves when every connection is gone; sockets still busy at deadlineMs are destroyed. */
  close(deadlineMs: number): Promise<void>;
}

/** Requests of a connection whose response has not closed (pipelining allows several). */
const kRequests = Symbol('requestsInProgress');
type TrackedSocket = Socket & { [kRequests]?: number };

export function trackForGracefulClose(server: HttpServer): GracefulCloser {
  let closing: Promise<void> | undefined;
  let inFlight = 0;
  // Per connection, not per request: a Set that held every response until it closed made V8
  // promote a third of each request's garbage to the old generation (30 % of new-space bytes
  // surviving, a mark-compact every ten scavenges under load, against none without it).
  const connections = new Set<TrackedSocket>();
  const raw = new Set<Socket>();
  const open = new Set<ServerResponse>();
  const expendable = new Set<Socket>();

  const track = (socket: TrackedSocket): void => {
    socket[kRequests] = 0;
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  };
  // HTTP requests arrive on the TLS socket of a TLS server, on the raw one otherwise; the raw
  // ones are also kept so that a handshake still going on is cut at the deadline.
  const tls = server instanceof TlsServer;
  if (tls) server.on('secureConnection', track);
  server.on('connection', (socket: TrackedSocket) => {
    raw.add(socket);
    socket.once('close', () => raw.delete(socket));
    if (!tls) track(socket);
  });

  // One shared listener (`this` is the response), so a request costs no closure here.
  function onResponseClose(this: ServerResponse): void {
    open.delete(this);
    inFlight--;
    const socket = this.req.socket as TrackedSocket;
    const left = (socket[kRequests] ?? 1) - 1;
    socket[kRequests] = left;
    // A response that finished after close() began: its connection goes now.
    if (closing !== undefined && left === 0) socket.destroySoon();
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    const socket = req.socket as TrackedSocket;
    socket[kRequests] = (socket[kRequests] ?? 0) + 1;
    if (closing !== undefined) res.shouldKeepAlive = false;
    res.on('close', onResponseClose);
  });

  return {
    get closing() {
      return closing !== undefined;
    },
    get inFlight() {
      return inFlight;
    },
    pending(res) {
      if (closing !== undefined) res.shouldKeepAlive = false;
      else if (!res.writableEnded) open.add(res);
    },
    answering(res) {
      if (closing !== undefined && !res.headersSent) res.shouldKeepAlive = false;
    },
    cutOnClose(socket) {
      if (closing !== undefined) {
        socket.destroy();
        return () => {};
      }
      expendable.add(socket);
      return () => expendable.delete(socket);
    },
    close(deadlineMs) {
      closing ??= new Promise((resolve) => {
        // Responses not yet started tell their client this connection ends with them.
        for (const res of open) if (!res.headersSent) res.shouldKeepAlive = false;
        for (const socket of expendable) socket.destroy();
        expendable.clear();
        // No request in progress: idle keep-alive, never used, or headers still arriving.
        for (const socket of connections) if (socket[kRequests] === 0) socket.destroy();
        const timer = setTimeout(() => {
          server.closeAllConnections();
          for (const socket of raw) socket.destroy();
        }, deadlineMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return closing;
    },
  };
}
