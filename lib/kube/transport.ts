// HTTPS to the API server: one keep-alive agent with the config's TLS material, bearer tokens
// (re-read from a token file as it rotates), JSON in and out with a cap on response size, and
// raw streams for watches.
import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Agent as HttpAgent } from 'node:http';
import { nodeHttp } from '../http/index.ts';
import { readFileSync } from 'node:fs';
import { apiErrorFrom } from './errors.ts';
import type { KubeConfig } from './config.ts';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method: string;
  path: string;
  query?: Query;
  /** An object (sent as JSON) or text. */
  body?: unknown;
  contentType?: string;
  /** Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Larger answers fail instead of filling memory; default 64 MiB. */
  maxResponseBytes?: number;
}

export interface TransportOptions {
  userAgent?: string;
  /** Concurrent connections to the API server; default 16. */
  maxSockets?: number;
  /** Called as each request (watches included) is sent, e.g. to count them by verb. */
  onRequest?: (request: { method: string; path: string; watch: boolean }) => void;
}

const TOKEN_REREAD_MS = 60_000;
const DEFAULT_MAX_RESPONSE = 64 * 1024 * 1024;

export class Transport {
  readonly config: KubeConfig;
  private readonly agent: Agent | HttpAgent;
  private readonly userAgent: string;
  private readonly onRequest: TransportOptions['onRequest'];
  private token: { value: string; readAt: number } | undefined;

  constructor(config: KubeConfig, opts: TransportOptions = {}) {
    this.config = config;
    this.userAgent = opts.userAgent ?? 'plexus';
    this.onRequest = opts.onRequest;
    const common = {
      keepAlive: true,
      maxSockets: opts.maxSockets ?? 16,
      scheduling: 'lifo' as const,
    };
    this.agent = config.server.startsWith('http:')
      ? new nodeHttp.Agent(common)
      : new Agent({
          ...common,
          ca: config.ca,
          cert: config.cert,
          key: config.key,
          rejectUnauthorized: !config.insecureSkipTlsVerify,
          servername: config.tlsServerName,
        });
  }

  private bearer(): string | undefined {
    if (this.config.token) return this.config.token;
    const file = this.config.tokenFile;
    if (!file) return undefined;
    const now = Date.now();
    if (!this.token || now - this.token.readAt > TOKEN_REREAD_MS) {
      this.token = { value: readFileSync(file, 'utf8').trim(), readAt: now };
    }
    return this.token.value;
  }

  url(path: string, query?: Query): URL {
    const url = new URL(this.config.server + path);
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  /** Starts a request; resolves with the response once its headers arrive. */
  open(opts: RequestOptions, payload?: string): Promise<IncomingMessage> {
    const url = this.url(opts.path, opts.query);
    const token = this.bearer();
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.userAgent,
    };
    if (token) headers.authorization = `Bearer ${token}`;
    if (payload !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const send = url.protocol === 'http:' ? nodeHttp.request : request;
    this.onRequest?.({
      method: opts.method,
      path: opts.path,
      watch: opts.query?.watch !== undefined,
    });
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        { method: opts.method, headers, agent: this.agent, signal: opts.signal },
        resolve,
      );
      req.setTimeout(opts.timeoutMs ?? 30_000, () =>
        req.destroy(
          new Error(`${opts.method} ${opts.path}: no answer within ${opts.timeoutMs ?? 30_000} ms`),
        ),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A JSON request; non-2xx answers throw ApiError. */
  async json<T>(opts: RequestOptions): Promise<T> {
    const payload =
      opts.body === undefined
        ? undefined
        : typeof opts.body === 'string'
          ? opts.body
          : JSON.stringify(opts.body);
    const res = await this.open(opts, payload);
    const text = await readText(
      res,
      opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE,
      `${opts.method} ${opts.path}`,
    );
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw apiErrorFrom(status, text, opts.method, opts.path);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A streaming GET (a watch): the response when 200, else ApiError. */
  async stream(opts: RequestOptions): Promise<IncomingMessage> {
    const res = await this.open(opts);
    const status = res.statusCode ?? 0;
    if (status === 200) return res;
    const text = await readText(res, 1024 * 1024, `GET ${opts.path}`);
    throw apiErrorFrom(status, text, opts.method, opts.path);
  }

  close(): void {
    this.agent.destroy();
  }
}

function readText(res: IncomingMessage, limit: number, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        res.destroy(
          new Error(
            `${what}: answer exceeds ${limit} bytes; page the list (limit/continue) or raise the cap`,
          ),
        );
        return;
      }
      chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error(`${what}: connection closed mid-answer`)));
  });
}
