// HTTP(S) servers of the running parts: health/metrics, and hardened HTTPS with cert reload.
/** startHealthServer({host?, port, registry?, liveness?, readiness?}): /healthz, /readyz, /metrics. */
export { startHealthServer } from './health-server.ts';
/** HealthServer / HealthServerOptions: the running server and its options. */
export type { HealthServer, HealthServerOptions, MetricsSource } from './health-server.ts';
/** runChecks(checks, {only?}): named checks with deadlines, API-server style report lines. */
export { runChecks } from './health-checks.ts';
/** HealthCheck: () => true | reason; CheckReport: the outcome of runChecks. */
export type { HealthCheck, CheckResult, CheckReport } from './health-checks.ts';
/** startHttpsServer({certFile, keyFile, handler, port, limits?}): TLS ≥ 1.2, cert reload, 413, deadlines, graceful close. */
export { startHttpsServer } from './https-server.ts';
/** The HTTPS server, its options, handler and event hooks. */
export type {
  HttpsServer,
  HttpsServerOptions,
  BodyHandler,
  HttpsServerEvents,
} from './https-server.ts';
/** loadCert(files): a checked cert/key pair; CertLoadError: why a pair does not load. */
export { loadCert, CertLoadError } from './cert-reloader.ts';
/** CertFiles / LoadedCert: a pair's paths and its loaded form. */
export type { CertFiles, LoadedCert } from './cert-reloader.ts';
/** DEFAULT_LIMITS / resolveLimits: body size, header/request/keep-alive/handshake deadlines. */
export { DEFAULT_LIMITS, resolveLimits } from './limits.ts';
/** ServerLimits: the limits every server applies. */
export type { ServerLimits } from './limits.ts';
/** readBody(req, limit) with BodyTooLargeError, for servers that read bodies themselves. */
export { readBody, BodyTooLargeError } from './body.ts';
// node:http without Node's bundled undici (see node-http.ts).
export { nodeHttp } from './node-http.ts';
