// The admission webhooks for a dev cluster: `plexus webhooks` as its own process on 127.0.0.1
// with a CA and serving certificate made for it, registered with a ValidatingWebhookConfiguration
// whose clientConfig.url points at it, so the real kube-apiserver calls it over TLS. Ready once
// the webhook's caches have synced and the API server has been seen to call it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  KubeClient,
  NETWORK_ATTACHMENT_DEFINITIONS,
  kubeConfigFromFile,
} from '../lib/kube/index.ts';
import {
  CERT_FILE,
  KEY_FILE,
  VALIDATING_WEBHOOK_CONFIGURATIONS,
  createCa,
  issueServingCert,
  webhookConfiguration,
} from '../webhooks/index.ts';
import type { CertAndKey, ValidatingWebhookConfiguration } from '../webhooks/index.ts';
import { freePort } from './free-port.ts';
import { resolveJsBuild } from './js-build.ts';
import type { ControlPlaneInfo } from './kube.ts';
import { waitFor } from './proc.ts';
import type { Run } from './run.ts';
import { startService } from './service.ts';
import type { Service } from './service.ts';

const PINNED_NODE = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));

export interface DevWebhooksOptions {
  controlPlane: ControlPlaneInfo;
  run: Run;
  /** The ValidatingWebhookConfiguration's name; default plexus-webhooks-<run tag>. */
  name?: string;
  /** Extra `plexus webhooks` flags (--namespace-isolation, --cluster-cidr …). */
  args?: readonly string[];
  /** The kubeconfig the webhook uses; default the admin's. */
  kubeconfig?: string;
  /** Node binary; default the repo's pinned Node 24. */
  node?: string;
  /** Node flags before the script; default WEBHOOK_NODE_FLAGS (the Deployment's). */
  nodeFlags?: readonly string[];
  /** The `plexus` entry point to run; default the stripped build of this checkout (js-build.ts),
   * as an image ships it: no TypeScript loader in the process. */
  cli?: string;
}

/** The Node flags the Deployment runs the webhook with: a young generation of 4 MiB semi-spaces
 * (Node's default grows to 32 MiB each, 100 MB of RSS under load for no gain in an admission
 * server whose objects die young and small), an old space capped well below the limit, and no
 * Maglev (V8's middle compiler tier: its compilations cost 10–15 MB of RSS at the peak, and the
 * reviews run as fast without it, measured in bench/webhook.bench.ts). */
export const WEBHOOK_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=4',
  '--max-old-space-size=128',
  '--no-maglev',
];

/** Where Node keeps transpiled TypeScript and code caches between runs: with it warm, type
 * stripping's compiler (20 MB of RSS) is never loaded. */
export function nodeCompileCacheDir(): string {
  return (
    process.env.NODE_COMPILE_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'plexus', 'node-compile-cache')
  );
}

export interface DevWebhooks {
  /** https://127.0.0.1:<port>, the base of the admission routes. */
  readonly url: string;
  /** http://127.0.0.1:<port> of /healthz, /readyz, /metrics. */
  readonly healthUrl: string;
  /** The configuration registered. */
  readonly configurationName: string;
  /** tls.crt and tls.key the server reloads, and the CA that signed them. */
  readonly certDir: string;
  readonly caFile: string;
  /** The `plexus webhooks` process (stop, kill, restart keep its ports and certificates). */
  readonly service: Service;
  /** Writes a new serving certificate from the same CA into certDir. */
  rotateCertificate(): void;
  /** Removes the registration, then stops the process. Idempotent. */
  stop(): Promise<void>;
}

/** The registration takes effect once the API server's watch of configurations sees it: a
 * server-side dry-run of a NAD with a broken config is then denied by our webhook. */
async function registrationEffective(client: KubeClient, webhookName: string): Promise<void> {
  const probe = {
    metadata: { name: 'plexus-webhook-probe', namespace: 'default' },
    spec: { config: '{' },
  };
  await waitFor(
    'the API server to call the webhook',
    async () => {
      try {
        await client.create(NETWORK_ATTACHMENT_DEFINITIONS, probe, { dryRun: true });
        return undefined;
      } catch (e) {
        return e instanceof Error && e.message.includes(webhookName) ? true : undefined;
      }
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}

function writeServingCert(certDir: string, ca: CertAndKey): void {
  const leaf = issueServingCert(ca, ['127.0.0.1', 'localhost'], { validDays: 30 });
  // Each file replaced whole (rename); key first. The server takes a pair only once both match.
  for (const [file, text, mode] of [
    [KEY_FILE, leaf.key, 0o600],
    [CERT_FILE, leaf.cert, 0o644],
  ] as const) {
    writeFileSync(join(certDir, `${file}.tmp`), text, { mode });
    renameSync(join(certDir, `${file}.tmp`), join(certDir, file));
  }
}

export async function startDevWebhooks(opts: DevWebhooksOptions): Promise<DevWebhooks> {
  const { run, controlPlane: cp } = opts;
  const name = opts.name ?? `plexus-webhooks-${run.tag}`;
  const dir = join(run.dir, `webhooks-${name}`);
  const certDir = join(dir, 'certs');
  mkdirSync(certDir, { recursive: true, mode: 0o700 });
  const ca = createCa('plexus-dev-webhooks-ca', { validDays: 30 });
  const caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, ca.cert);
  writeServingCert(certDir, ca);
  // The admin kubeconfig as JSON: the Deployment runs in-cluster and never loads a YAML parser
  // (lib/kube/config.ts reads JSON without one), and neither does this process then.
  const kubeconfig = opts.kubeconfig ?? join(dir, 'kubeconfig.json');
  if (opts.kubeconfig === undefined)
    writeFileSync(kubeconfig, JSON.stringify(parse(readFileSync(cp.kubeconfig, 'utf8'))), {
      mode: 0o600,
    });
  const [port, healthPort] = [await freePort(), await freePort()];
  const url = `https://127.0.0.1:${port}`;
  const healthUrl = `http://127.0.0.1:${healthPort}`;
  const service = await startService({
    name: `plexus webhooks (${name})`,
    cmd: opts.node ?? PINNED_NODE,
    args: [
      ...(opts.nodeFlags ?? WEBHOOK_NODE_FLAGS),
      opts.cli ?? join(resolveJsBuild(), 'cli', 'plexus.js'),
      'webhooks',
      `--kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--port=${port}`,
      '--health-bind-address=127.0.0.1',
      `--health-port=${healthPort}`,
      // The run dir in the command line (here) lets the run's sweep find the process.
      `--cert-dir=${certDir}`,
      '--cert-source=files',
      '--webhook-configuration=',
      ...(opts.args ?? []),
    ],
    logFile: join(dir, 'webhooks.log'),
    env: { ...process.env, NODE_COMPILE_CACHE: nodeCompileCacheDir() },
    ready: async (abort) => {
      await waitFor(
        'plexus webhooks /readyz',
        async () => ((await fetch(`${healthUrl}/readyz`)).status === 200 ? true : undefined),
        { timeoutMs: 30_000, intervalMs: 100, abort },
      );
    },
  });
  const client = new KubeClient(kubeConfigFromFile(cp.kubeconfig), { fieldManager: 'plexus-dev' });
  const config: ValidatingWebhookConfiguration = webhookConfiguration({
    name,
    target: { url },
    caBundle: Buffer.from(ca.cert).toString('base64'),
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    try {
      await client.delete(VALIDATING_WEBHOOK_CONFIGURATIONS, { name });
    } catch {
      // Already gone (or the API server is down): nothing calls the webhook then.
    }
    client.close();
    await service.stop();
  };
  run.onClose(`plexus webhooks ${name}`, stop);
  try {
    await client.apply(VALIDATING_WEBHOOK_CONFIGURATIONS, config, {
      fieldManager: 'plexus-dev',
      force: true,
    });
    await registrationEffective(client, 'network-attachment-definitions.plexus.dev');
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url,
    healthUrl,
    configurationName: name,
    certDir,
    caFile,
    service,
    rotateCertificate: () => writeServingCert(certDir, ca),
    stop,
  };
}
