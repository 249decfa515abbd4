// `plexus webhooks` at run time: load the kubeconfig, get the serving certificate (files as
// they are, or bootstrapped into a Secret), start the server, and on SIGTERM or SIGINT stop
// accepting, finish the reviews in flight, and return 0.
import { join } from 'node:path';
import { KubeClient, loadKubeConfig } from '../../lib/kube/index.ts';
import { createLogger } from '../../lib/log/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import { CertBootstrap, CERT_FILE, KEY_FILE, startWebhookServer } from '../../webhooks/index.ts';
import type { PodPolicy } from '../../webhooks/index.ts';

export interface WebhooksOptions {
  kubeconfig?: string;
  bindAddress: string;
  port: number;
  healthBindAddress: string;
  healthPort: number;
  certDir: string;
  certSource: 'files' | 'secret';
  /** namespace/name of the Secret (certSource secret). */
  certSecret: string;
  /** Names the bootstrapped certificate covers. */
  certNames: string[];
  /** The configuration whose caBundle follows the Secret; "" for none. */
  webhookConfiguration: string;
  policy: PodPolicy;
  clusterCidrs: string[];
  serviceCidrs: string[];
  logLevel?: string;
  shutdownSeconds: number;
}

async function certificateFiles(
  opts: WebhooksOptions,
  client: KubeClient,
  log: Logger,
): Promise<{ certFile: string; keyFile: string; stop: () => void }> {
  if (opts.certSource === 'files')
    return {
      certFile: join(opts.certDir, CERT_FILE),
      keyFile: join(opts.certDir, KEY_FILE),
      stop: () => {},
    };
  const [namespace = '', secretName = ''] = opts.certSecret.split('/');
  const bootstrap = new CertBootstrap({
    client,
    namespace,
    secretName,
    names: opts.certNames,
    certDir: opts.certDir,
    ...(opts.webhookConfiguration === ''
      ? {}
      : { webhookConfiguration: opts.webhookConfiguration }),
    logger: log.child({ component: 'certificates' }),
  });
  await bootstrap.ensure();
  bootstrap.start();
  return { certFile: bootstrap.certFile, keyFile: bootstrap.keyFile, stop: () => bootstrap.stop() };
}

/** Resolves on the first SIGTERM or SIGINT. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

export async function runWebhooks(opts: WebhooksOptions): Promise<number> {
  const log = createLogger({
    name: 'webhooks',
    ...(opts.logLevel === undefined ? {} : { level: opts.logLevel }),
  });
  const config = loadKubeConfig(
    opts.kubeconfig === undefined ? {} : { kubeconfig: opts.kubeconfig },
  );
  const client = new KubeClient(config, {
    userAgent: 'plexus-webhooks',
    fieldManager: 'plexus-webhooks',
  });
  const certs = await certificateFiles(opts, client, log);
  const server = await startWebhookServer({
    client,
    logger: log,
    certFile: certs.certFile,
    keyFile: certs.keyFile,
    host: opts.bindAddress,
    port: opts.port,
    healthHost: opts.healthBindAddress,
    healthPort: opts.healthPort,
    policy: opts.policy,
    cidrs: { clusterCidrs: opts.clusterCidrs, serviceCidrs: opts.serviceCidrs },
  });
  const got = await untilSignal();
  log.info(
    { signal: got, inFlight: server.https.inFlight },
    'shutting down: finishing reviews in flight',
  );
  certs.stop();
  await server.close(opts.shutdownSeconds * 1000);
  client.close();
  log.info('stopped');
  return 0;
}
