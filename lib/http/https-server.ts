// startHttpsServer: a TLS ≥ 1.2 server whose certificate follows its files without a restart,
// with bounded bodies (413), header/request deadlines, keep-alive, and a graceful close.
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SecureContextOptions } from 'node:tls';
import { collectBody } from './body.ts';
import { loadCert, watchCert } from './cert-reloader.ts';
import type { CertLoadError, LoadedCert } from './cert-reloader.ts';
import { trackForGracefulClose } from './graceful-close.ts';
import type { GracefulCloser } from './graceful-close.ts';
import { listen } from './listen.ts';
import { applyLimits, resolveLimits, serverOptions } from './limits.ts';
import { answerTooLarge } from './too-large.ts';
import type { ServerLimits } from './limits.ts';

/** A handler gets the request, its whole (size-checked) body, and the response to write. */
export type BodyHandler = (
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
) => void | Promise<void>;

/** What the server reports; wire it to a logger. */
export interface HttpsServerEvents {
  certReloaded?(cert: { serialNumber: string; validTo: string }): void;
  certError?(err: CertLoadError): void;
  handlerError?(err: unknown, req: IncomingMessage): void;
}

export interface HttpsServerOptions {
  certFile: string;
  keyFile: string;
  handler: BodyHandler;
  /** Default 127.0.0.1; "0.0.0.0" or "::" to serve other nodes. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  limits?: Partial<ServerLimits>;
  /** How often the cert files are re-checked besides watch events; default 10 s. */
  certCheckIntervalMs?: number;
  events?: HttpsServerEvents;
}

export interface HttpsServer {
  readonly port: number;
  /** https://host:port */
  readonly url: string;
  readonly inFlight: number;
  /** The certificate being served to new connections. */
  certificate(): { serialNumber: string; validTo: string };
  /** Re-reads the cert files now; true when a new pair took effect. */
  reloadCertificate(): boolean;
  /** Stops accepting, finishes requests in flight within deadlineMs (default 10 s), then closes. */
  close(deadlineMs?: number): Promise<void>;
}

// TLS 1.2 and 1.3 only; Node's default cipher list is already free of the weak suites.
const TLS_BASE: SecureContextOptions = { minVersion: 'TLSv1.2' };

function reject(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // The rest of the body is unread: this connection cannot carry another request.
  res.shouldKeepAlive = false;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(`${message}\n`);
}

/** Runs the handler on a complete body; a throw or a rejection is a 500 (or a cut connection
 * when the answer has begun). A synchronous handler costs no promise. */
interface Serving {
  opts: HttpsServerOptions;
  closer: GracefulCloser;
}

function runHandler(
  { opts, closer }: Serving,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): void {
  closer.answering(res);
  let out: void | Promise<void>;
  try {
    out = opts.handler(req, body, res);
  } catch (e) {
    handlerFailed(opts, req, res, e);
    return;
  }
  if (out === undefined) return;
  closer.pending(res);
  out.then(undefined, (e: unknown) => handlerFailed(opts, req, res, e));
}

function handlerFailed(
  opts: HttpsServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  err: unknown,
): void {
  opts.events?.handlerError?.(err, req);
  reject(res, 500, 'internal error');
}

export async function startHttpsServer(opts: HttpsServerOptions): Promise<HttpsServer> {
  const limits = resolveLimits(opts.limits);
  // A bad pair at start is an error for the caller; later bad pairs keep the old one.
  const first: LoadedCert = loadCert(opts, TLS_BASE);
  const server = createServer({
    ...serverOptions(limits),
    ...TLS_BASE,
    cert: first.cert,
    key: first.key,
    handshakeTimeout: limits.handshakeTimeoutMs,
  });
  applyLimits(server, limits);
  const closer = trackForGracefulClose(server);
  const drain = { limits, closer };
  const serving: Serving = { opts, closer };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    collectBody(req, limits.maxBodyBytes, (err, body) => {
      if (err === undefined) runHandler(serving, req, body, res);
      else answerTooLarge(req, res, err.message, drain);
    });
  });
  // A client that fails the handshake or sends garbage only costs its own socket.
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  server.on('clientError', (_err, socket) => socket.destroy());

  const reloader = watchCert({
    certFile: opts.certFile,
    keyFile: opts.keyFile,
    current: first,
    base: TLS_BASE,
    intervalMs: opts.certCheckIntervalMs,
    onReload(cert) {
      server.setSecureContext({ ...TLS_BASE, cert: cert.cert, key: cert.key });
      opts.events?.certReloaded?.({ serialNumber: cert.serialNumber, validTo: cert.validTo });
    },
    onError: (err) => opts.events?.certError?.(err),
  });

  const bound = await listen(server, opts.host ?? '127.0.0.1', opts.port, 'https').catch(
    (e: unknown) => {
      reloader.stop();
      throw e;
    },
  );
  return {
    ...bound,
    get inFlight() {
      return closer.inFlight;
    },
    certificate: () => {
      const c = reloader.current();
      return { serialNumber: c.serialNumber, validTo: c.validTo };
    },
    reloadCertificate: () => reloader.check(),
    async close(deadlineMs = 10_000) {
      reloader.stop();
      await closer.close(deadlineMs);
    },
  };
}
