// One operator replica: the kube and etcd clients, the informers, the three
// controllers (OverlayNetworks, Nodes, user NADs) and what connects them, run
// by the manager. Networks go first: node reconciles wait (MembershipGate)
// while networks that may change membership are being looked at, so each
// node's NodeNetworkConfig is written once with all its overlays, not once per network.
import { renderMetaConfig } from '../api/cni/index.ts';
import type { PlexusMetaOptions } from '../api/cni/index.ts';
import { createEtcdClient } from '../lib/etcd/index.ts';
import type { EtcdClient, EtcdClientOptions } from '../lib/etcd/index.ts';
import { EventRecorder, KubeClient } from '../lib/kube/index.ts';
import type { KubeConfig } from '../lib/kube/index.ts';
import type { Logger } from '../lib/log/index.ts';
import { createRegistry } from '../lib/metrics/index.ts';
import type { Registry } from '../lib/metrics/index.ts';
import { LeaseStore } from './allocation/lease-store.ts';
import { FIELD_MANAGER, createCluster } from './controllers/cluster.ts';
import type { Cluster } from './controllers/cluster.ts';
import { watchCluster } from './controllers/event-handlers.ts';
import { nadReconciler } from './controllers/nad-controller.ts';
import { networkReconciler } from './controllers/network-controller.ts';
import { MembershipGate } from './controllers/membership-gate.ts';
import { NetworkRegistry } from './controllers/network-registry.ts';
import { nodeReconciler } from './controllers/node-controller.ts';
import { operatorMetrics } from './metrics.ts';
import type { OperatorMetrics } from './metrics.ts';
import { Controller, Manager } from './runtime/index.ts';
import type {
  LeaderElectionSettings,
  LeaderWork,
  ListenAddress,
  RunOutcome,
} from './runtime/index.ts';

/** How long a network's status waits for more lease changes before it is written. */
export const STATUS_DEBOUNCE_MS = 250;
/** The same while nodes are still queued: progress is written now and then, not per node. */
export const BUSY_STATUS_DEBOUNCE_MS = 3000;

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  etcd: EtcdClientOptions;
  /** Undefined: no leader election (a single replica). */
  leaderElection?: LeaderElectionSettings;
  health: ListenAddress;
  metrics?: ListenAddress;
  /** Workers per controller. */
  workers: number;
  /** The cluster-wide meta-plugin options every NodeNetworkConfig carries. */
  meta: PlexusMetaOptions;
  /** This replica (events' reportingInstance, the Lease holder). */
  identity: string;
  logger: Logger;
}

export interface Operator {
  readonly registry: Registry;
  readonly metrics: OperatorMetrics;
  readonly urls: string[];
  run(): Promise<RunOutcome>;
  stop(): Promise<void>;
}

interface Controllers {
  networks: Controller;
  nodes: Controller;
  nads: Controller;
}

/** What the controllers share within one replica. */
interface Shared {
  opts: OperatorOptions;
  registry: Registry;
  metrics: OperatorMetrics;
  client: KubeClient;
  cluster: Cluster;
  recorder: EventRecorder;
  store: LeaseStore;
  networks: NetworkRegistry;
  gate: MembershipGate;
  /** Digests of the NodeNetworkConfig specs this replica wrote: their watch events are no work. */
  written: Map<string, string>;
  ctl: Controllers;
}

export function createOperator(opts: OperatorOptions): Operator {
  const { logger } = opts;
  const registry = createRegistry({ labels: { component: 'operator' } });
  const metrics = operatorMetrics(registry);
  const client = new KubeClient(opts.kubeConfig, {
    fieldManager: FIELD_MANAGER,
    userAgent: 'plexus-operator',
    maxSockets: 32,
    onRequest: (r) => metrics.kubeRequests.inc({ verb: r.watch ? 'WATCH' : r.method }),
  });
  const etcd = createEtcdClient(opts.etcd);
  const ctl = {} as Controllers;
  const shared: Shared = {
    opts,
    registry,
    metrics,
    client,
    cluster: createCluster(client, logger),
    recorder: new EventRecorder({
      client,
      reportingController: 'plexus.dev/operator',
      reportingInstance: opts.identity,
      logger,
    }),
    store: leaseStore(etcd, logger, metrics, ctl),
    networks: new NetworkRegistry(),
    gate: new MembershipGate(),
    written: new Map(),
    ctl,
  };
  createControllers(shared);
  watchCluster(shared.cluster, ctl, {
    debounceMs: STATUS_DEBOUNCE_MS,
    gate: shared.gate,
    written: shared.written,
  });
  const manager = new Manager({
    client,
    registry,
    logger,
    informers: shared.cluster.all,
    health: opts.health,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.leaderElection ? { leaderElection: opts.leaderElection } : {}),
    work: leaderWork(shared),
  });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      await manager.stop();
      etcd.close();
      client.close();
    })();
    return closed;
  };
  return {
    registry,
    metrics,
    get urls() {
      return manager.urls;
    },
    async run() {
      const outcome = await manager.run();
      await close();
      return outcome;
    },
    stop: close,
  };
}

/** A network's status soon: at once when nodes are idle, now and then while they are queued. */
function statusSoon(ctl: Controllers, network: string): void {
  ctl.networks.enqueueAfter(
    network,
    ctl.nodes.queue.length > 0 ? BUSY_STATUS_DEBOUNCE_MS : STATUS_DEBOUNCE_MS,
  );
}

/** The lease store, telling the controllers what its watches saw that was not their own doing. */
function leaseStore(
  etcd: EtcdClient,
  logger: Logger,
  metrics: OperatorMetrics,
  ctl: Controllers,
): LeaseStore {
  const store: LeaseStore = new LeaseStore({
    etcd,
    logger,
    count: (op) => metrics.etcdRequests.inc({ op }),
    events: {
      changed: (network, key) => {
        statusSoon(ctl, network);
        const node = store.get(network)?.nodeForKey(key);
        if (node !== undefined) ctl.nodes.enqueue(node);
      },
      reloaded: (network) => {
        ctl.networks.enqueue(network);
        for (const node of store.get(network)?.nodes() ?? []) ctl.nodes.enqueue(node);
      },
    },
  });
  return store;
}

function createControllers(sh: Shared): void {
  const { ctl, opts } = sh;
  const common = { registry: sh.registry, logger: opts.logger, workers: opts.workers };
  const reconcileNetwork = networkReconciler({
    client: sh.client,
    cluster: sh.cluster,
    store: sh.store,
    registry: sh.networks,
    recorder: sh.recorder,
    metrics: sh.metrics,
    logger: opts.logger,
    enqueueNode: (n) => ctl.nodes.enqueue(n),
    enqueueNad: (k) => ctl.nads.enqueue(k),
  });
  ctl.networks = new Controller({
    ...common,
    name: 'overlaynetwork',
    reconcile: async (key) => {
      const mark = sh.gate.starting(key);
      try {
        await reconcileNetwork(key);
      } finally {
        sh.gate.finished(key, mark);
      }
    },
  });
  ctl.nodes = new Controller({
    ...common,
    name: 'node',
    gate: () => sh.gate.wait(),
    reconcile: nodeReconciler({
      client: sh.client,
      cluster: sh.cluster,
      store: sh.store,
      registry: sh.networks,
      logger: opts.logger,
      cniConfig: renderMetaConfig(opts.meta),
      written: sh.written,
      networkChanged: (n) => statusSoon(ctl, n),
    }),
  });
  ctl.nads = new Controller({
    ...common,
    name: 'networkattachmentdefinition',
    reconcile: nadReconciler({ cluster: sh.cluster, recorder: sh.recorder }),
  });
}

/** What runs while this replica leads. */
function leaderWork(sh: Shared): LeaderWork {
  const { ctl, cluster } = sh;
  return {
    async start() {
      // Every network counts as changed for a new leader: nodes wait until each was looked at.
      for (const name of cluster.networks.store.keys()) {
        sh.gate.changed(name);
        ctl.networks.enqueue(name);
      }
      ctl.networks.start();
      ctl.nodes.start();
      ctl.nads.start();
      // Configs of nodes that went while no leader watched are deleted by their node's reconcile.
      for (const name of cluster.configs.store.keys()) ctl.nodes.enqueue(name);
    },
    async stop(deadlineMs) {
      sh.gate.open();
      await Promise.all([
        ctl.networks.stop(deadlineMs),
        ctl.nodes.stop(deadlineMs),
        ctl.nads.stop(deadlineMs),
      ]);
      await sh.recorder.flush();
      await sh.store.closeAll();
    },
  };
}
