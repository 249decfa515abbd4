// Starts the admission webhooks: the NAD and OverlayNetwork caches, the HTTPS server with the
// four routes (certificate reloaded from its files), and /healthz, /readyz, /metrics on a plain
// HTTP port. Ready once both caches have synced. close() stops accepting, finishes the reviews
// in flight, then stops the caches.
import type { ClusterCidrOptions } from '../api/overlay/index.ts';
import { startHealthServer, startHttpsServer } from '../lib/http/index.ts';
import type { HealthServer, HttpsServer, ServerLimits } from '../lib/http/index.ts';
import type { KubeClient } from '../lib/kube/index.ts';
import type { Logger } from '../lib/log/index.ts';
import { createRegistry, webhookMetrics } from '../lib/metrics/index.ts';
import type { Registry } from '../lib/metrics/index.ts';
import { Counter } from '../lib/metrics/index.ts';
import { createAdmissionHandler } from './admission-handler.ts';
import { AdmissionMetrics } from './admission-metrics.ts';
import { nadRoute } from './handlers/nad-handler.ts';
import { overlayRoute } from './handlers/overlay-handler.ts';
import { podRoutes } from './handlers/pod-handler.ts';
import type { PodPolicy } from './handlers/pod-handler.ts';
import { NadDirectory } from './nad-lookup.ts';
import { OverlayDirectory } from './overlay-directory.ts';

/** Bodies over this get 413. An UPDATE review carries two objects of up to 1.5 MiB each (etcd's
 * limit) in JSON, which is larger than their stored form. */
export const DEFAULT_MAX_REVIEW_BYTES = 6 * 1024 * 1024;

export interface WebhookServerOptions {
  client: KubeClient;
  logger: Logger;
  certFile: string;
  keyFile: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Health and metrics server; default 127.0.0.1 and a free port. */
  healthHost?: string;
  healthPort?: number;
  policy: PodPolicy;
  cidrs: ClusterCidrOptions;
  registry?: Registry;
  limits?: Partial<ServerLimits>;
  certCheckIntervalMs?: number;
}

export interface WebhookServer {
  /** https://host:port of the admission routes. */
  readonly url: string;
  readonly port: number;
  /** http://host:port of /healthz, /readyz and /metrics. */
  readonly healthUrl: string;
  readonly nads: NadDirectory;
  readonly overlays: OverlayDirectory;
  readonly https: HttpsServer;
  /** Resolves once both caches have synced. */
  synced(signal?: AbortSignal): Promise<void>;
  close(deadlineMs?: number): Promise<void>;
}

export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const log = opts.logger;
  const registry = opts.registry ?? createRegistry({ labels: { component: 'webhooks' } });
  const misses = new Counter({
    name: 'plexus_webhook_nad_cache_misses_total',
    help: 'NetworkAttachmentDefinitions looked up with a GET because the cache did not have them, by result (found, missing, error).',
    labelNames: ['result'],
    registers: [registry],
  });
  const nads = new NadDirectory({
    client: opts.client,
    logger: log,
    onMiss: (found) =>
      misses.inc({ result: found === 'error' ? 'error' : found ? 'found' : 'missing' }),
  }).start();
  const overlays = new OverlayDirectory({ client: opts.client, logger: log }).start();
  const stopCaches = async (): Promise<void> => {
    await Promise.all([nads.stop(), overlays.stop()]);
  };
  const routes = [
    ...podRoutes(nads, opts.policy),
    nadRoute(overlays),
    overlayRoute(overlays, opts.cidrs),
  ];
  const metrics = new AdmissionMetrics(webhookMetrics(registry));
  const handler = createAdmissionHandler({ routes, metrics, logger: log });
  let https: HttpsServer | undefined;
  let health: HealthServer | undefined;
  try {
    https = await startHttpsServer({
      certFile: opts.certFile,
      keyFile: opts.keyFile,
      handler,
      host: opts.host ?? '127.0.0.1',
      port: opts.port,
      limits: { maxBodyBytes: DEFAULT_MAX_REVIEW_BYTES, ...opts.limits },
      ...(opts.certCheckIntervalMs === undefined
        ? {}
        : { certCheckIntervalMs: opts.certCheckIntervalMs }),
      events: {
        certReloaded: (cert) => log.info(cert, 'serving certificate reloaded'),
        certError: (err) =>
          log.warn(
            { err: err.message },
            'new serving certificate does not load yet; keeping the old one',
          ),
        handlerError: (err, req) => log.error({ err, path: req.url }, 'admission handler failed'),
      },
    });
    const cacheSynced = (name: string, synced: () => boolean) => (): true | string =>
      synced() ? true : `${name} cache not synced yet`;
    health = await startHealthServer({
      host: opts.healthHost ?? '127.0.0.1',
      port: opts.healthPort ?? 0,
      registry: {
        contentType: registry.contentType,
        metrics: () => {
          metrics.flush();
          return registry.metrics();
        },
      },
      readiness: {
        'nad-cache': cacheSynced('NetworkAttachmentDefinition', () => nads.informer.hasSynced()),
        'overlaynetwork-cache': cacheSynced('OverlayNetwork', () => overlays.informer.hasSynced()),
      },
    });
  } catch (e) {
    await https?.close(0);
    await stopCaches();
    throw e;
  }
  const server = https;
  const probes = health;
  log.info(
    { url: server.url, health: probes.url, certificate: server.certificate() },
    'admission webhooks serving',
  );
  return {
    url: server.url,
    port: server.port,
    healthUrl: probes.url,
    nads,
    overlays,
    https: server,
    async synced(signal) {
      await Promise.all([nads.informer.waitForSync(signal), overlays.informer.waitForSync(signal)]);
    },
    async close(deadlineMs = 10_000) {
      await server.close(deadlineMs);
      await probes.close(1000);
      await stopCaches();
    },
  };
}
