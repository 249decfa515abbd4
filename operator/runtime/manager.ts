// The manager runs one operator replica the way controller-runtime's manager
// does: informers start on every replica (a standby has a warm cache), the
// leader-only work (controllers, the etcd side) starts only while this replica
// holds the Lease, /healthz /readyz /metrics are served throughout, and a
// stop() (SIGTERM) drains the reconciles in flight, then releases the Lease so
// another replica takes over at once. Losing leadership ends the run (the
// process exits and is restarted), as controller-runtime does: a replica that
// may have missed a renewal must not keep writing.
import type { Registry } from 'prom-client';
import { startHealthServer } from '../../lib/http/index.ts';
import type { HealthCheck, HealthServer } from '../../lib/http/index.ts';
import { LeaderElector } from '../../lib/kube/index.ts';
import type {
  Informer,
  KubeClient,
  KubeObject,
  LeaderElectionOptions,
} from '../../lib/kube/index.ts';
import type { Logger } from '../../lib/log/index.ts';

/** What runs only on the leader. */
export interface LeaderWork {
  /** Starts it; `signal` aborts when leadership ends. */
  start(signal: AbortSignal): Promise<void>;
  /** Stops it, waiting up to deadlineMs for work in flight. */
  stop(deadlineMs: number): Promise<void>;
}

/** The Lease and timings; the manager supplies the client, registry, logger and callbacks. */
export type LeaderElectionSettings = Omit<
  LeaderElectionOptions,
  'client' | 'registry' | 'logger' | 'onStartedLeading' | 'onStoppedLeading' | 'onNewLeader'
>;

export interface ListenAddress {
  host: string;
  port: number;
}

export interface ManagerOptions {
  client: KubeClient;
  registry: Registry;
  logger: Logger;
  informers: readonly Informer<KubeObject>[];
  work: LeaderWork;
  /** Undefined: this replica leads from the start (one replica, or tests). */
  leaderElection?: LeaderElectionSettings;
  /** /healthz, /readyz and /metrics. */
  health: ListenAddress;
  /** /metrics (and the probes) on an address of its own; omitted: only `health`. */
  metrics?: ListenAddress;
  /** How long stop() waits for reconciles in flight; default 10 s. */
  drainMs?: number;
}

export type RunOutcome = 'stopped' | 'leadership-lost';

export class Manager {
  private readonly opts: ManagerOptions;
  private readonly servers: HealthServer[] = [];
  private elector: LeaderElector | undefined;
  private readonly stopping = new AbortController();
  private leading = false;
  private workRunning: Promise<void> | undefined;
  private workStopping: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;

  constructor(opts: ManagerOptions) {
    this.opts = opts;
  }

  /** Base URLs of the probe and metrics servers, once run() has started them. */
  get urls(): string[] {
    return this.servers.map((s) => s.url);
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Runs until stop() ("stopped") or until leadership is lost ("leadership-lost"). */
  async run(): Promise<RunOutcome> {
    const { logger } = this.opts;
    await this.startServers();
    for (const informer of this.opts.informers) informer.start();
    await Promise.all(this.opts.informers.map((i) => i.waitForSync(this.stopping.signal))).catch(
      () => undefined,
    );
    if (this.stopping.signal.aborted) return 'stopped';
    logger.info({ informers: this.opts.informers.length }, 'caches synced');
    const le = this.opts.leaderElection;
    if (le === undefined) {
      this.lead(this.stopping.signal);
      await new Promise<void>((resolve) =>
        this.stopping.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      return 'stopped';
    }
    this.elector = new LeaderElector({
      client: this.opts.client,
      ...le,
      registry: this.opts.registry,
      logger,
      onStartedLeading: (signal) => this.lead(signal),
      onNewLeader: (identity) => logger.info({ leader: identity }, 'leader observed'),
    });
    const outcome = await this.elector.run();
    if (outcome === 'lost') {
      logger.error({ lease: `${le.namespace}/${le.name}` }, 'leadership lost; stopping');
      await this.stopWork();
      return 'leadership-lost';
    }
    return 'stopped';
  }

  /** Drains the leader work, releases the Lease, stops the informers and servers. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping.abort();
      await this.stopWork();
      await this.elector?.stop();
      await Promise.all(this.opts.informers.map((i) => i.stop()));
      await Promise.all(this.servers.map((s) => s.close()));
    })();
    return this.stopped;
  }

  private lead(signal: AbortSignal): void {
    this.leading = true;
    this.opts.logger.info('leading: starting controllers');
    this.workRunning = this.opts.work.start(signal).catch((e: unknown) => {
      this.opts.logger.error({ err: e }, 'leader work failed to start; stopping');
      void this.stop();
    });
    signal.addEventListener('abort', () => void this.stopWork(), { once: true });
  }

  /** Stops the leader work once per leadership; later calls wait for the same stop. */
  private stopWork(): Promise<void> {
    if (!this.leading) return this.workStopping ?? Promise.resolve();
    this.leading = false;
    this.workStopping = (async () => {
      await this.workRunning;
      await this.opts.work.stop(this.opts.drainMs ?? 10_000);
    })();
    return this.workStopping;
  }

  private async startServers(): Promise<void> {
    const synced: HealthCheck = () => {
      const pending = this.opts.informers.filter((i) => !i.hasSynced()).length;
      return pending === 0 ? true : `${pending} informer caches not synced yet`;
    };
    const common = { registry: this.opts.registry, readiness: { 'informer-sync': synced } };
    this.servers.push(await startHealthServer({ ...this.opts.health, ...common }));
    const m = this.opts.metrics;
    if (m !== undefined && (m.host !== this.opts.health.host || m.port !== this.opts.health.port))
      this.servers.push(await startHealthServer({ ...m, ...common }));
    this.opts.logger.info({ urls: this.urls }, 'serving /healthz, /readyz and /metrics');
  }
}
