// The HTTP side of admission: route by path, refuse what is not a POST of JSON, read the
// review once, let the route judge it, and answer; with controller-runtime's webhook metrics per
// route and one log line per rejection (never one per request).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { objectKey } from '../lib/log/index.ts';
import type { Logger } from '../lib/log/index.ts';
import type { WebhookMetrics } from '../lib/metrics/index.ts';
import { initWebhookSeries } from '../lib/metrics/index.ts';
import { kindText, parseAdmissionReview } from './admission-review.ts';
import type { AdmissionRequest } from './admission-review.ts';
import { errored, responseFor, reviewText } from './admission-response.ts';
import type { AdmissionResponse, Verdict } from './admission-response.ts';
import { groupKind } from './handlers/handler.ts';
import type { AdmissionRoute } from './handlers/handler.ts';

export type BodyHandler = (
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
) => Promise<void>;

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...extra });
  res.end(`${text}\n`);
}

function sendReview(res: ServerResponse, response: AdmissionResponse): void {
  const text = reviewText(response);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
}

function isJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  return type !== undefined && /^application\/json\s*(;|$)/i.test(type);
}

function metaOf(obj: unknown): { namespace?: string; name?: string } {
  if (typeof obj !== 'object' || obj === null) return {};
  const meta = (obj as { metadata?: unknown }).metadata;
  if (typeof meta !== 'object' || meta === null) return {};
  const { namespace, name, generateName } = meta as Record<string, unknown>;
  return {
    ...(typeof namespace === 'string' ? { namespace } : {}),
    ...(typeof name === 'string'
      ? { name }
      : typeof generateName === 'string'
        ? { name: `${generateName}*` }
        : {}),
  };
}

/** The request's object key, "namespace/name", as logs carry it. */
function keyOf(request: AdmissionRequest): string {
  const meta = metaOf(request.object ?? request.oldObject);
  return objectKey({
    namespace: request.namespace || meta.namespace,
    name: request.name || meta.name,
  });
}

async function judge(route: AdmissionRoute, request: AdmissionRequest): Promise<Verdict> {
  if (!route.kinds.has(groupKind(request.kind.group, request.kind.kind)))
    return {
      kind: 'error',
      code: 400,
      message: `${route.path} does not validate ${kindText(request.kind)}; correct the rules of the ValidatingWebhookConfiguration`,
    };
  try {
    return await route.review(request);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { kind: 'error', code: 500, message: why };
  }
}

export interface AdmissionHandlerOptions {
  routes: readonly AdmissionRoute[];
  metrics: WebhookMetrics;
  logger: Logger;
}

export function createAdmissionHandler(opts: AdmissionHandlerOptions): BodyHandler {
  const routes = new Map(opts.routes.map((r) => [r.path, r]));
  for (const path of routes.keys()) initWebhookSeries(opts.metrics, path);
  const { requestsTotal, latency, inFlight } = opts.metrics;
  const log = opts.logger;

  const answer = async (
    route: AdmissionRoute,
    req: IncomingMessage,
    body: Buffer,
    res: ServerResponse,
  ): Promise<number> => {
    if (req.method !== 'POST') {
      sendText(res, 405, 'only POST is served here: send an AdmissionReview', { allow: 'POST' });
      return 405;
    }
    if (!isJson(req)) {
      sendText(res, 415, 'the content type must be application/json');
      return 415;
    }
    const parsed = parseAdmissionReview(body);
    if (!parsed.ok) {
      if (parsed.status === 400) {
        log.debug({ webhook: route.path, reason: parsed.message }, 'bad admission request');
        sendText(res, 400, parsed.message);
        return 400;
      }
      sendReview(res, errored(parsed.uid, 400, parsed.message));
      return 200;
    }
    const request = parsed.request;
    const verdict = await judge(route, request);
    const { response, errors } = responseFor(request.uid, verdict);
    if (!response.allowed) {
      const fields = {
        webhook: route.path,
        uid: request.uid,
        kind: request.kind.kind,
        key: keyOf(request),
        operation: request.operation,
      };
      if (verdict.kind === 'error')
        log.warn(
          { ...fields, code: verdict.code, err: verdict.message },
          'admission request not judged',
        );
      else
        log.info(
          { ...fields, errors: errors.length, denied: response.status?.message.split('\n', 1)[0] },
          'admission denied',
        );
    }
    sendReview(res, response);
    return 200;
  };

  return async (req, body, res) => {
    const path = pathOf(req.url);
    const route = routes.get(path);
    if (route === undefined) {
      sendText(
        res,
        404,
        `no webhook at ${path.slice(0, 100)}; the paths are ${[...routes.keys()].join(', ')}`,
      );
      return;
    }
    const labels = { webhook: path };
    inFlight.inc(labels);
    const started = performance.now();
    let code = 500;
    try {
      code = await answer(route, req, body, res);
    } finally {
      inFlight.dec(labels);
      latency.observe(labels, (performance.now() - started) / 1000);
      requestsTotal.inc({ webhook: path, code: String(code) });
    }
  };
}
