// startHealthServer: plain HTTP for kubelet probes and Prometheus: /healthz and /readyz with
// named checks (also /readyz/<name>, ?verbose), and /metrics from a prom-client registry.
import { nodeHttp } from './node-http.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runChecks } from './health-checks.ts';
import type { HealthCheck } from './health-checks.ts';
import { trackForGracefulClose } from './graceful-close.ts';
import { listen } from './listen.ts';
import { applyLimits, resolveLimits, serverOptions } from './limits.ts';

/** What /metrics serves: a prom-client Registry, or anything that renders like one (e.g. one that
 * brings counters up to date or merges other threads' metrics first). */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface HealthServerOptions {
  /** Default 127.0.0.1; probes from the kubelet need the pod IP or "0.0.0.0". */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  registry?: MetricsSource;
  /** Checks for /healthz (is the process alive and not wedged?). */
  liveness?: Record<string, HealthCheck>;
  /** Checks for /readyz (should it get traffic / is it synced?). */
  readiness?: Record<string, HealthCheck>;
}

export interface HealthServer {
  readonly port: number;
  readonly url: string;
  /** Adds or replaces a readiness check while running (e.g. once an informer exists). */
  setReadinessCheck(name: string, check: HealthCheck): void;
  close(deadlineMs?: number): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

async function probe(
  res: ServerResponse,
  what: 'healthz' | 'readyz',
  checks: Record<string, HealthCheck>,
  url: URL,
): Promise<void> {
  const only = url.pathname.slice(what.length + 2) || undefined;
  if (only !== undefined && !(only in checks)) {
    send(res, 404, 'text/plain; charset=utf-8', `no ${what} check named ${only}\n`);
    return;
  }
  const report = await runChecks(checks, { only });
  const verbose = url.searchParams.has('verbose') || !report.ok;
  const tail = report.ok ? `${what} check passed` : `${what} check failed`;
  const body = verbose ? `${[...report.lines, tail].join('\n')}\n` : 'ok';
  send(res, report.ok ? 200 : 500, 'text/plain; charset=utf-8', body);
}

export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const limits = resolveLimits({ requestTimeoutMs: 10_000, headersTimeoutMs: 5000 });
  const liveness = { ping: (): true => true, ...opts.liveness };
  const readiness: Record<string, HealthCheck> = { ping: (): true => true, ...opts.readiness };
  const server = nodeHttp.createServer(serverOptions(limits));
  applyLimits(server, limits);
  const closer = trackForGracefulClose(server);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'only GET and HEAD are served\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/healthz' || path.startsWith('/healthz/'))
      return probe(res, 'healthz', liveness, url);
    if (path === '/readyz' || path.startsWith('/readyz/'))
      return probe(res, 'readyz', readiness, url);
    if (path === '/metrics' && opts.registry) {
      send(res, 200, opts.registry.contentType, await opts.registry.metrics());
      return;
    }
    send(res, 404, 'text/plain; charset=utf-8', 'not found; try /healthz, /readyz or /metrics\n');
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    closer.pending(res);
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  const bound = await listen(server, opts.host ?? '127.0.0.1', opts.port, 'http');
  return {
    ...bound,
    setReadinessCheck(name, check) {
      readiness[name] = check;
    },
    close: (deadlineMs = 5000) => closer.close(deadlineMs),
  };
}
