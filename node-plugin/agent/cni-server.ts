// The unix socket the shim talks to. One connection per CNI call: a JSON line {"env": {...}},
// then the stdin bytes until the shim closes its write side; the answer is the exit code, a
// newline, and what the shim prints. Requests are bounded in size, in time to arrive, in time
// to answer, and in number at once; anything malformed gets a CNI error, never a hang.
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from '../../lib/log/index.ts';
import { CNI_CODES, CniFailure, cniErrorJson, toCniFailure } from '../cni/cni-error.ts';
import { parseCniRequest } from '../cni/cni-request.ts';
import type { CniMetrics } from './cni-metrics.ts';

export interface CniHandler {
  handle(req: ReturnType<typeof parseCniRequest>): Promise<unknown>;
}

export interface CniServerOptions {
  socketPath: string;
  handler: CniHandler;
  metrics: CniMetrics;
  logger: Logger;
  /** Largest header line; default 64 KiB. */
  maxHeaderBytes?: number;
  /** Largest stdin; default 4 MiB (the shim's own limit). */
  maxStdinBytes?: number;
  /** Time for the request to arrive whole; default 30 s. */
  readTimeoutMs?: number;
  /** Time to answer; default 100 s (the shim waits 110 s). */
  answerTimeoutMs?: number;
  /** Requests served at once; more get error 11. Default 128. */
  maxInFlight?: number;
}

export interface CniServer {
  readonly socketPath: string;
  /** Stops accepting; waits for requests in flight up to `deadlineMs`. */
  close(deadlineMs?: number): Promise<void>;
}

/** Removes a socket file nobody listens on; refuses to start beside a live agent. */
async function claimSocket(path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const live = await new Promise<boolean>((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  if (live) throw new Error(`another agent is listening on ${path}; stop it first`);
  rmSync(path, { force: true });
}

export async function startCniServer(opts: CniServerOptions): Promise<CniServer> {
  await claimSocket(opts.socketPath);
  const inFlight = new Set<Promise<void>>();
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (inFlight.size >= (opts.maxInFlight ?? 128)) {
      answer(
        socket,
        1,
        failureText(
          new CniFailure(CNI_CODES.tryAgainLater, 'the agent is busy; try again later'),
          '',
        ),
      );
      return;
    }
    const work = serve(socket, opts).finally(() => inFlight.delete(work));
    inFlight.add(work);
  });
  server.on('error', (e) => opts.logger.error({ err: e }, 'CNI socket error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(opts.socketPath, 0o600);
  return {
    socketPath: opts.socketPath,
    async close(deadlineMs = 30_000) {
      const closed = new Promise<void>((r) => server.close(() => r()));
      const deadline = new Promise<void>((r) => setTimeout(r, deadlineMs).unref());
      await Promise.race([Promise.allSettled([...inFlight]), deadline]);
      for (const s of sockets) s.destroy();
      await closed;
      rmSync(opts.socketPath, { force: true });
    },
  };
}

/** Reads one request off the socket: header line and stdin, each within its limit. */
function readRequest(
  socket: Socket,
  opts: CniServerOptions,
): Promise<{ header: string; stdin: string }> {
  const maxHeader = opts.maxHeaderBytes ?? 64 * 1024;
  const maxStdin = opts.maxStdinBytes ?? 4 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    /** Offset of the header's newline, once seen. */
    let headerEnd = -1;
    const fail = (msg: string): void => {
      socket.removeAllListeners('data');
      socket.removeAllListeners('end');
      reject(new CniFailure(CNI_CODES.decodeFailure, msg));
    };
    socket.setTimeout(opts.readTimeoutMs ?? 30_000, () =>
      fail('the request did not arrive in time'),
    );
    socket.on('data', (c: Buffer) => {
      if (headerEnd < 0) {
        const nl = c.indexOf(0x0a);
        if (nl >= 0) headerEnd = size + nl;
      }
      size += c.length;
      chunks.push(c);
      if (headerEnd < 0 && size > maxHeader)
        return fail(`the request has no header line within ${maxHeader} bytes`);
      if (headerEnd >= 0 && size - headerEnd - 1 > maxStdin)
        return fail(`the network configuration is over ${maxStdin} bytes`);
    });
    socket.once('end', () => {
      socket.setTimeout(0);
      if (headerEnd < 0 || headerEnd > maxHeader)
        return fail(`the request has no header line within ${maxHeader} bytes`);
      const all = Buffer.concat(chunks);
      resolve({
        header: all.subarray(0, headerEnd).toString('utf8'),
        stdin: all.subarray(headerEnd + 1).toString('utf8'),
      });
    });
    socket.once('error', (e) =>
      reject(new CniFailure(CNI_CODES.ioFailure, 'the connection failed', e.message)),
    );
  });
}

function envOf(header: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    throw new CniFailure(CNI_CODES.decodeFailure, 'the request header is not JSON');
  }
  const env = (parsed as { env?: unknown } | null)?.env;
  if (typeof env !== 'object' || env === null || Array.isArray(env))
    throw new CniFailure(CNI_CODES.decodeFailure, 'the request header has no env object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') out[k] = v;
  return out;
}

async function serve(socket: Socket, opts: CniServerOptions): Promise<void> {
  const started = performance.now();
  let command = 'UNKNOWN';
  let cniVersion = '';
  let container = '';
  opts.metrics.inFlight.inc();
  try {
    const { header, stdin } = await readRequest(socket, opts);
    const env = envOf(header);
    command = env.CNI_COMMAND ?? 'UNKNOWN';
    container = env.CNI_CONTAINERID ?? '';
    const req = parseCniRequest(env, stdin);
    cniVersion = req.cniVersion;
    const out = await withDeadline(opts.handler.handle(req), opts.answerTimeoutMs ?? 100_000);
    answer(socket, 0, out === undefined ? '' : `${JSON.stringify(out)}\n`);
    opts.metrics.duration.observe(
      { command, result: 'success' },
      (performance.now() - started) / 1000,
    );
  } catch (e) {
    const f = toCniFailure(e);
    answer(socket, 1, failureText(f, cniVersion));
    opts.metrics.duration.observe(
      { command, result: 'error' },
      (performance.now() - started) / 1000,
    );
    opts.metrics.errors.inc({ command, code: String(f.code) });
    opts.logger.warn({ command, container, code: f.code, err: f.message }, 'CNI request failed');
  } finally {
    opts.metrics.inFlight.dec();
  }
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CniFailure(
            CNI_CODES.tryAgainLater,
            `no answer within ${ms / 1000} s; the work goes on, try again later`,
          ),
        ),
      ms,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function failureText(f: CniFailure, cniVersion: string): string {
  return `${JSON.stringify(cniErrorJson(f, cniVersion || '1.0.0'))}\n`;
}

function answer(socket: Socket, code: number, body: string): void {
  if (socket.destroyed) return;
  socket.end(`${code}\n${body}`);
}
