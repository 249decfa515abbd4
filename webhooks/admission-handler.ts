// The HTTP side of admission: route by path, refuse what is not a POST of JSON, read the
// review once, let the route judge it, and answer; with controller-runtime's webhook metrics per
// route and one log line per rejection (never one per request). Synchronous from the body to the
// answer unless a route has to wait for the API server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { objectKey } from '../lib/log/index.ts';
import type { Logger } from '../lib/log/index.ts';
import type { AdmissionMetrics, RouteMetrics } from './admission-metrics.ts';
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
) => void | Promise<void>;

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

/** The route's verdict; synchronous unless the route had to wait (a NAD not in the cache, the
 * confirming list of OverlayNetworks), so the common review costs no promise. */
function judge(route: AdmissionRoute, request: AdmissionRequest): Verdict | Promise<Verdict> {
  if (!route.kinds.has(groupKind(request.kind.group, request.kind.kind)))
    return {
      kind: 'error',
      code: 400,
      message: `${route.path} does not validate ${kindText(request.kind)}; correct the rules of the ValidatingWebhookConfiguration`,
    };
  let verdict: Verdict | Promise<Verdict>;
  try {
    verdict = route.review(request);
  } catch (e) {
    return unjudged(e);
  }
  return verdict instanceof Promise ? verdict.catch(unjudged) : verdict;
}

function unjudged(e: unknown): Verdict {
  const why = e instanceof Error ? e.message : String(e);
  return { kind: 'error', code: 500, message: why };
}

export interface AdmissionHandlerOptions {
  routes: readonly AdmissionRoute[];
  metrics: AdmissionMetrics;
  logger: Logger;
}

interface Served {
  route: AdmissionRoute;
  metrics: RouteMetrics;
}

export function createAdmissionHandler(opts: AdmissionHandlerOptions): BodyHandler {
  const routes = new Map<string, Served>(
    opts.routes.map((route) => [route.path, { route, metrics: opts.metrics.route(route.path) }]),
  );
  const log = opts.logger;

  /** Logs a rejection (one line), then sends the answer. */
  const respond = (
    route: AdmissionRoute,
    request: AdmissionRequest,
    verdict: Verdict,
    res: ServerResponse,
  ): number => {
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

  /** The HTTP code of the answer, once it is sent. */
  const answer = (
    route: AdmissionRoute,
    req: IncomingMessage,
    body: Buffer,
    res: ServerResponse,
  ): number | Promise<number> => {
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
    const verdict = judge(route, request);
    return verdict instanceof Promise
      ? verdict.then((v) => respond(route, request, v, res))
      : respond(route, request, verdict, res);
  };

  return (req, body, res) => {
    const path = pathOf(req.url);
    const served = routes.get(path);
    if (served === undefined) {
      sendText(
        res,
        404,
        `no webhook at ${path.slice(0, 100)}; the paths are ${[...routes.keys()].join(', ')}`,
      );
      return;
    }
    const { route, metrics } = served;
    const started = metrics.begin();
    let code: number | Promise<number>;
    try {
      code = answer(route, req, body, res);
    } catch (e) {
      metrics.end(started, 500);
      throw e;
    }
    if (typeof code === 'number') {
      metrics.end(started, code);
      return;
    }
    return code.then(
      (c) => metrics.end(started, c),
      (e: unknown) => {
        metrics.end(started, 500);
        throw e;
      },
    );
  };
}
