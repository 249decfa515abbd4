// The node agent: watches its node's pods, the NADs and its NodeNetworkConfig; serves the CNI
// socket the shim calls; installs the shim; writes 00-plexus.conflist once it can serve pods
// (informers synced, cluster network found) and keeps it current; reports its state on
// /healthz, /readyz, /metrics and in its NodeNetworkConfig's status.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  EventRecorder,
  Informer,
  KubeClient,
  loadKubeConfig,
  NETWORK_ATTACHMENT_DEFINITIONS,
  NODE_NETWORK_CONFIGS,
  PODS,
} from '../../lib/kube/index.ts';
import type { NetworkAttachmentDefinition, NodeNetworkConfig, Pod } from '../../lib/kube/index.ts';
import { startHealthServer } from '../../lib/http/index.ts';
import type { HealthServer } from '../../lib/http/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import { createRegistry } from '../../lib/metrics/index.ts';
import type { Registry } from '../../lib/metrics/index.ts';
import { NetworkRunner } from '../delegate/network-runner.ts';
import { CniEngine } from '../engine/cni-engine.ts';
import { DelCache } from '../engine/del-cache.ts';
import type { KubeDeps } from '../engine/engine-deps.ts';
import { KeyedLock } from '../engine/keyed-lock.ts';
import { countRequests } from '../kube/api-requests.ts';
import { NadSource } from '../kube/nad-source.ts';
import { NodeStatusWriter } from '../kube/node-status.ts';
import { PodEvents } from '../kube/pod-events.ts';
import { PodSource } from '../kube/pod-source.ts';
import { PodStatusPublisher } from '../kube/pod-status-publisher.ts';
import { cniMetrics } from './cni-metrics.ts';
import type { CniMetrics } from './cni-metrics.ts';
import { startCniServer } from './cni-server.ts';
import { NodeConfigController } from './node-config-controller.ts';
import type { ConfigState } from './node-config-controller.ts';
import { removeNodeConflist } from './node-conflist.ts';
import { installShim } from './shim-install.ts';

export interface NodeAgentOptions {
  nodeName: string;
  /** A kubeconfig file; else $KUBECONFIG, in-cluster, ~/.kube/config. */
  kubeconfig?: string;
  stateDir: string;
  cniConfDir: string;
  cniBinDir: string;
  socketPath: string;
  /** The shim binary to install in cniBinDir; nothing is installed when absent. */
  shimPath?: string;
  health: { host: string; port: number };
  logger: Logger;
  /** Add attachments concurrently (after the cluster network). */
  concurrentAttachments?: boolean;
  /** How long ADD waits for the first network-status write; default 0 (written in the
   * background, the ADD answers once the interfaces exist). */
  statusWaitMs?: number;
  /** Per delegate plugin call; default 60 s. */
  pluginTimeoutMs?: number;
}

export interface NodeAgent {
  readonly engine: CniEngine;
  readonly registry: Registry;
  readonly metrics: CniMetrics;
  readonly health: HealthServer;
  readonly publisher: PodStatusPublisher;
  readonly client: KubeClient;
  /** True once the node's CNI config is written and the agent serves ADDs; else why not. */
  readiness(): true | string;
  /** Resolves once ready. */
  whenReady(): Promise<void>;
  /** Stops serving (requests in flight finish); removes the node's CNI config when asked. */
  stop(opts?: { removeConfig?: boolean }): Promise<void>;
}

interface Informers {
  pods: Informer<Pod>;
  nads: Informer<NetworkAttachmentDefinition>;
  nnc: Informer<NodeNetworkConfig>;
}

function startInformers(client: KubeClient, nodeName: string, logger: Logger): Informers {
  return {
    pods: new Informer({
      client,
      type: PODS,
      fieldSelector: `spec.nodeName=${nodeName}`,
      logger,
    }).start(),
    nads: new Informer({ client, type: NETWORK_ATTACHMENT_DEFINITIONS, logger }).start(),
    nnc: new Informer({
      client,
      type: NODE_NETWORK_CONFIGS,
      fieldSelector: `metadata.name=${nodeName}`,
      logger,
    }).start(),
  };
}

function kubeDeps(client: KubeClient, inf: Informers, opts: NodeAgentOptions): KubeDeps {
  const pods = new PodSource(client, inf.pods);
  const recorder = new EventRecorder({
    client,
    reportingController: 'plexus.dev/agent',
    reportingInstance: `plexus-agent-${opts.nodeName}`,
    logger: opts.logger,
  });
  return {
    pods,
    nads: new NadSource(client, inf.nads, opts.cniConfDir),
    publisher: new PodStatusPublisher({
      client,
      pods,
      logger: opts.logger,
      firstAttemptMs: opts.statusWaitMs,
    }),
    events: new PodEvents(recorder),
  };
}

interface KubeSide {
  client: KubeClient;
  inf: Informers;
  kube: KubeDeps;
}

function startKubeSide(opts: NodeAgentOptions, metrics: CniMetrics): KubeSide {
  const client = new KubeClient(loadKubeConfig({ kubeconfig: opts.kubeconfig }), {
    userAgent: `plexus-agent/${opts.nodeName}`,
    fieldManager: 'plexus-agent',
  });
  countRequests(client, metrics.apiRequests);
  const inf = startInformers(client, opts.nodeName, opts.logger);
  return { client, inf, kube: kubeDeps(client, inf, opts) };
}

/** Writes the node conflist once the caches are synced, and again on every change of its inputs. */
function startConfigSide(
  opts: NodeAgentOptions,
  side: KubeSide,
  onState: (s: ConfigState) => void,
): { controller: NodeConfigController; started: Promise<void>; abort: AbortController } {
  const { inf, client } = side;
  const { logger } = opts;
  const nodeStatus = new NodeStatusWriter(client, logger);
  const controller = new NodeConfigController({
    confDir: opts.cniConfDir,
    socketPath: opts.socketPath,
    logger,
    nodeConfig: () => inf.nnc.store.list()[0],
    onState: (s) => {
      onState(s);
      const nnc = inf.nnc.store.list()[0];
      const condition = { ready: s.written, reason: s.reason, message: s.message };
      if (nnc !== undefined) void nodeStatus.write(nnc, condition, s.lastError);
    },
  });
  const abort = new AbortController();
  const started = (async () => {
    await Promise.all([inf.pods.waitForSync(abort.signal), inf.nads.waitForSync(abort.signal)]);
    logger.info({ node: opts.nodeName }, 'pod and NAD caches synced');
    await controller.start();
    const resync = (): void => controller.soon();
    inf.nnc.on('add', resync);
    inf.nnc.on('update', resync);
    inf.nnc.on('delete', resync);
  })().catch((e: unknown) => {
    if (!abort.signal.aborted)
      logger.error({ err: (e as Error).message }, 'the agent could not start serving');
  });
  return { controller, started, abort };
}

async function installShimIfGiven(opts: NodeAgentOptions): Promise<void> {
  if (opts.shimPath === undefined) return;
  const written = await installShim(opts.shimPath, opts.cniBinDir);
  if (written.length > 0) opts.logger.info({ files: written }, 'installed the CNI shim');
}

export async function startNodeAgent(opts: NodeAgentOptions): Promise<NodeAgent> {
  const { logger } = opts;
  const registry = createRegistry({ labels: { component: 'agent' } });
  const metrics = cniMetrics(registry);
  const side = startKubeSide(opts, metrics);
  const { client, inf, kube } = side;
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
  const cache = new DelCache(opts.stateDir);
  await cache.init();
  let configState: ConfigState | undefined;
  const readiness = (): true | string => {
    if (!inf.pods.hasSynced()) return 'the pod cache has not synced with the API server yet';
    if (!inf.nads.hasSynced()) return 'the NetworkAttachmentDefinition cache has not synced yet';
    if (configState === undefined) return 'the node CNI config is not written yet';
    return configState.written ? true : configState.message;
  };
  const engine = new CniEngine({
    runner: new NetworkRunner({
      binDirs: [opts.cniBinDir],
      timeoutMs: opts.pluginTimeoutMs,
      pluginStateDir: join(opts.stateDir, 'plugins'),
    }),
    cache,
    locks: new KeyedLock(),
    kube,
    logger,
    concurrentAttachments: opts.concurrentAttachments ?? false,
    readiness,
  });
  const server = await startCniServer({
    socketPath: opts.socketPath,
    handler: engine,
    metrics,
    logger,
  });
  const health = await startHealthServer({
    host: opts.health.host,
    port: opts.health.port,
    registry,
    readiness: { cni: readiness },
  });
  await installShimIfGiven(opts);
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const { controller, started, abort } = startConfigSide(opts, side, (s) => {
    configState = s;
    if (readiness() === true) readyResolve();
  });
  return {
    engine,
    registry,
    metrics,
    health,
    publisher: kube.publisher,
    client,
    readiness,
    whenReady: () => ready,
    async stop(stopOpts = {}) {
      abort.abort();
      controller.stop();
      if (stopOpts.removeConfig === true) await removeNodeConflist(opts.cniConfDir);
      await server.close();
      await started;
      kube.publisher.stop();
      await Promise.all([inf.pods.stop(), inf.nads.stop(), inf.nnc.stop()]);
      await health.close();
      client.close();
    },
  };
}
