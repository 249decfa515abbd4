// LeaderElector: one leader among replicas through a coordination.k8s.io/v1 Lease, with
// client-go's rules: acquire when the lease is free or its holder has not renewed for a lease
// duration (as observed on our own clock), renew every retry period, give up leadership when a
// renewal has not succeeded within the renew deadline, and on stop release the lease by clearing
// holderIdentity so another replica takes over within its retry period.
import type { Registry } from 'prom-client';
import type { Logger } from '../log/index.ts';
import { leaderElectionMetrics } from '../metrics/index.ts';
import { sleep } from './backoff.ts';
import type { KubeClient } from './client.ts';
import { isAlreadyExists, isConflict, isNotFound } from './errors.ts';
import { microTime } from './events.ts';
import { LEASES } from './resources.ts';
import type { Lease } from './types.ts';

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  /** The Lease's name, also the `name` label of leader_election_master_status. */
  name: string;
  /** This replica (pod name, or host + random suffix); must differ between replicas. */
  identity: string;
  /** Default 15 s. */
  leaseDurationMs?: number;
  /** Default 10 s. */
  renewDeadlineMs?: number;
  /** Default 2 s. */
  retryPeriodMs?: number;
  registry?: Registry;
  logger?: Logger;
  /** Called on becoming leader; `signal` aborts when leadership ends. */
  onStartedLeading?(signal: AbortSignal): void;
  /** Called when leadership ends (lost or released). */
  onStoppedLeading?(): void;
  /** Called when the observed holder changes (including to ourselves). */
  onNewLeader?(identity: string): void;
}

export type ElectionOutcome = 'lost' | 'stopped';

const JITTER = 1.2; // client-go's JitterFactor

export class LeaderElector {
  private readonly opts: LeaderElectionOptions;
  private readonly leaseMs: number;
  private readonly renewMs: number;
  private readonly retryMs: number;
  private readonly stopController = new AbortController();
  private leading: AbortController | undefined;
  private observed: { holder: string; renewTime: string; at: number } | undefined;
  private current: Lease | undefined;
  private running: Promise<ElectionOutcome> | undefined;

  constructor(opts: LeaderElectionOptions) {
    this.opts = opts;
    this.leaseMs = opts.leaseDurationMs ?? 15_000;
    this.renewMs = opts.renewDeadlineMs ?? 10_000;
    this.retryMs = opts.retryPeriodMs ?? 2000;
    if (!opts.identity) throw new Error('leader election: identity is empty; use the pod name');
    if (this.leaseMs <= this.renewMs)
      throw new Error(
        `leader election: leaseDuration (${this.leaseMs} ms) must exceed renewDeadline (${this.renewMs} ms)`,
      );
    if (this.renewMs <= JITTER * this.retryMs)
      throw new Error(
        `leader election: renewDeadline (${this.renewMs} ms) must exceed ${JITTER} × retryPeriod (${this.retryMs} ms)`,
      );
    this.setGauge(0);
  }

  isLeader(): boolean {
    return this.leading !== undefined;
  }

  /** Campaigns, then leads until leadership is lost ("lost") or stop() is called ("stopped"). */
  run(): Promise<ElectionOutcome> {
    this.running ??= this.campaign();
    return this.running;
  }

  /** Stops campaigning; a leader releases the lease first. */
  async stop(): Promise<void> {
    this.stopController.abort();
    await this.running;
  }

  private setGauge(value: 0 | 1): void {
    if (this.opts.registry)
      leaderElectionMetrics(this.opts.registry).masterStatus.set({ name: this.opts.name }, value);
  }

  private async campaign(): Promise<ElectionOutcome> {
    const stop = this.stopController.signal;
    while (!stop.aborted && !(await this.attempt())) {
      await sleep(this.retryMs * (1 + Math.random() * (JITTER - 1)), stop);
    }
    if (stop.aborted) return 'stopped';
    this.leading = new AbortController();
    this.setGauge(1);
    this.opts.logger?.info(
      { lease: this.opts.name, identity: this.opts.identity },
      'became leader',
    );
    this.opts.onStartedLeading?.(this.leading.signal);
    const outcome = await this.renewUntilLost(stop);
    if (outcome === 'stopped') await this.release();
    this.leading.abort();
    this.leading = undefined;
    this.setGauge(0);
    this.opts.logger?.info({ lease: this.opts.name, outcome }, 'leadership ended');
    this.opts.onStoppedLeading?.();
    return outcome;
  }

  private async renewUntilLost(stop: AbortSignal): Promise<ElectionOutcome> {
    let lastRenew = Date.now();
    for (;;) {
      await sleep(this.retryMs, stop);
      if (stop.aborted) return 'stopped';
      const left = lastRenew + this.renewMs - Date.now();
      if (left > 0 && (await this.attempt(Math.min(left, this.retryMs * 2)))) {
        lastRenew = Date.now();
        continue;
      }
      if (Date.now() - lastRenew >= this.renewMs) {
        this.opts.logger?.warn(
          { lease: this.opts.name },
          `no renewal within ${this.renewMs} ms; leadership lost`,
        );
        return 'lost';
      }
    }
  }

  /** One tryAcquireOrRenew; false on any failure (the caller retries). */
  private async attempt(timeoutMs = this.retryMs * 2): Promise<boolean> {
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.stopController.signal]);
    const { client, namespace, name, identity } = this.opts;
    const now = Date.now();
    try {
      let lease: Lease;
      try {
        lease = await client.get(LEASES, { name, namespace }, signal);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        this.current = await client.create(
          LEASES,
          { metadata: { name, namespace }, spec: this.record(now, undefined) },
          { signal },
        );
        this.observe(this.current, now);
        return true;
      }
      this.observe(lease, now);
      const holder = lease.spec?.holderIdentity ?? '';
      const observedAt = this.observed?.at ?? now;
      // The holder's own lease duration counts (client-go's rule), on our clock.
      const durationMs = (lease.spec?.leaseDurationSeconds ?? this.leaseMs / 1000) * 1000;
      if (holder !== '' && holder !== identity && observedAt + durationMs > now) return false;
      this.current = await client.replace(
        LEASES,
        { ...lease, spec: this.record(now, lease) },
        { signal },
      );
      this.observe(this.current, now);
      return true;
    } catch (e) {
      if (!isConflict(e) && !isAlreadyExists(e))
        this.opts.logger?.debug({ lease: name, err: e }, 'lease acquire/renew failed');
      return false;
    }
  }

  private record(now: number, previous: Lease | undefined): NonNullable<Lease['spec']> {
    const prev = previous?.spec;
    const ours = prev?.holderIdentity === this.opts.identity;
    return {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: Math.ceil(this.leaseMs / 1000),
      acquireTime: ours && prev?.acquireTime ? prev.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: ours ? (prev?.leaseTransitions ?? 0) : (prev?.leaseTransitions ?? -1) + 1,
    };
  }

  /** Notes when the lease record last changed, on our clock (clock skew between nodes is harmless). */
  private observe(lease: Lease, now: number): void {
    const holder = lease.spec?.holderIdentity ?? '';
    const renewTime = lease.spec?.renewTime ?? '';
    if (this.observed?.holder === holder && this.observed.renewTime === renewTime) return;
    const changedHolder = this.observed?.holder !== holder;
    this.observed = { holder, renewTime, at: now };
    if (changedHolder && holder !== '') this.opts.onNewLeader?.(holder);
  }

  /** Clears holderIdentity so the next candidate need not wait for the lease to expire. */
  private async release(): Promise<void> {
    const lease = this.current;
    if (!lease?.spec || lease.spec.holderIdentity !== this.opts.identity) return;
    const now = microTime(Date.now());
    try {
      this.current = await this.opts.client.replace(
        LEASES,
        {
          ...lease,
          spec: {
            ...lease.spec,
            holderIdentity: '',
            leaseDurationSeconds: 1,
            renewTime: now,
            acquireTime: now,
          },
        },
        { signal: AbortSignal.timeout(this.retryMs * 2) },
      );
    } catch (e) {
      this.opts.logger?.warn(
        { lease: this.opts.name, err: e },
        'could not release the lease; it expires by itself',
      );
    }
  }
}
