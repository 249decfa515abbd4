// Publishes a pod's k8s.v1.cni.cncf.io/network-status: after ADD, the entries of its
// attachments; after DEL, the same annotation without the entries whose addresses were
// released. Writes go to pods/status (annotations only, never the spec), one pod at a time in
// order, in the background: a caller may wait for the first attempt (bounded), and when the API
// server is away a write is retried with backoff until it lands, the pod is gone, or a newer
// write for the pod replaces it — so an ADD never fails, nor leaks, for a status write.
import {
  buildNetworkStatus,
  NETWORK_STATUS_ANNOTATION,
  parseNetworkStatus,
} from '../../api/npwg/index.ts';
import type { NetworkStatus } from '../../api/npwg/index.ts';
import { Backoff, isConflict, isNotFound, PODS, sleep, ApiError } from '../../lib/kube/index.ts';
import type { KubeClient, Pod } from '../../lib/kube/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import type { PodRef, PodSource } from './pod-source.ts';

/** What DEL released: the addresses and hardware addresses of its interfaces. */
export interface Released {
  ips: ReadonlySet<string>;
  macs: ReadonlySet<string>;
}

export type Job =
  | { kind: 'publish'; ref: PodRef; entries: NetworkStatus[] }
  | { kind: 'release'; ref: PodRef; released: Released };

interface Queue {
  jobs: { job: Job; done: (ok: boolean) => void }[];
  running: boolean;
}

export interface PublisherOptions {
  client: KubeClient;
  pods: PodSource;
  logger: Logger;
  /** How long a caller waits for the first attempt; default 0: the write happens in the background. */
  firstAttemptMs?: number;
  /** Retry spacing; default 200 ms doubling to 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
}

/** The annotation value without the entries whose addresses were all released. */
export function withoutReleased(value: string | undefined, released: Released): string | null {
  if (value === undefined) return null;
  const { entries } = parseNetworkStatus(value);
  const kept = entries.filter((e) => {
    const ips = e.ips ?? [];
    if (ips.length > 0) return !ips.every((ip) => released.ips.has(ip.split('/')[0] ?? ip));
    return e.mac === undefined || !released.macs.has(e.mac.toLowerCase());
  });
  return kept.length === 0 ? null : buildNetworkStatus(kept);
}

export class PodStatusPublisher {
  private readonly opts: PublisherOptions;
  private readonly queues = new Map<string, Queue>();
  private readonly stopped = new AbortController();
  /** Writes that landed, and attempts that failed (and were retried). */
  written = 0;
  failedAttempts = 0;

  constructor(opts: PublisherOptions) {
    this.opts = opts;
  }

  /** Sets the annotation; true when the first attempt landed within the wait. */
  publish(ref: PodRef, entries: NetworkStatus[]): Promise<boolean> {
    return this.enqueue({ kind: 'publish', ref, entries });
  }

  /** Drops released entries from the annotation; true when done within the wait. */
  release(ref: PodRef, released: Released): Promise<boolean> {
    return this.enqueue({ kind: 'release', ref, released });
  }

  /** Writes still queued or being retried. */
  get pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.jobs.length;
    return n;
  }

  stop(): void {
    this.stopped.abort();
  }

  private enqueue(job: Job): Promise<boolean> {
    const key = `${job.ref.namespace}/${job.ref.name}`;
    let q = this.queues.get(key);
    if (q === undefined) {
      q = { jobs: [], running: false };
      this.queues.set(key, q);
    }
    const settled = new Promise<boolean>((resolve) => q.jobs.push({ job, done: resolve }));
    if (!q.running) void this.drain(key, q);
    const wait = this.opts.firstAttemptMs ?? 0;
    if (wait <= 0) return Promise.resolve(false);
    const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), wait).unref());
    return Promise.race([settled, timeout]);
  }

  private async drain(key: string, q: Queue): Promise<void> {
    q.running = true;
    while (q.jobs.length > 0 && !this.stopped.signal.aborted) {
      const head = q.jobs[0] as Queue['jobs'][number];
      const ok = await this.runWithRetries(head.job, () => q.jobs.length > 1 && supersedes(q.jobs));
      q.jobs.shift();
      head.done(ok);
    }
    q.running = false;
    if (q.jobs.length === 0) this.queues.delete(key);
  }

  /** Attempts until done; gives up when the pod is gone or a later publish replaces this one. */
  private async runWithRetries(job: Job, replaced: () => boolean): Promise<boolean> {
    const backoff = new Backoff({ initialMs: 200, maxMs: 30_000, ...this.opts.backoff });
    for (;;) {
      try {
        await this.attempt(job);
        this.written++;
        return true;
      } catch (e) {
        if (isNotFound(e)) return false;
        if (!retryable(e)) {
          // A pod recreated under the same name (its uid no longer matches: 422): retrying
          // cannot help.
          this.opts.logger.error(
            { pod: `${job.ref.namespace}/${job.ref.name}`, err: (e as Error).message },
            `network-status ${job.kind} refused; not retried`,
          );
          return false;
        }
        this.failedAttempts++;
        const delay = backoff.next();
        this.opts.logger.warn(
          {
            pod: `${job.ref.namespace}/${job.ref.name}`,
            err: (e as Error).message,
            retryInMs: delay,
          },
          `network-status ${job.kind} failed; retrying`,
        );
        if (job.kind === 'publish' && replaced()) return false;
        try {
          await sleep(delay, this.stopped.signal);
        } catch {
          return false;
        }
      }
    }
  }

  private async attempt(job: Job): Promise<void> {
    const { client } = this.opts;
    const signal = AbortSignal.timeout(10_000);
    const target = { namespace: job.ref.namespace, name: job.ref.name };
    if (job.kind === 'publish') {
      const metadata: Record<string, unknown> = {
        annotations: { [NETWORK_STATUS_ANNOTATION]: buildNetworkStatus(job.entries) },
      };
      // The uid makes the write fail on a pod recreated under the same name.
      if (job.ref.uid !== undefined && job.ref.uid !== '') metadata.uid = job.ref.uid;
      await client.patch(PODS, target, { metadata }, { type: 'merge', status: true, signal });
      return;
    }
    for (let tries = 0; ; tries++) {
      const cached = tries === 0 ? this.opts.pods.cached(job.ref) : undefined;
      const fresh = cached === undefined;
      const pod: Pod = cached ?? (await client.get(PODS, target, signal));
      if (job.ref.uid !== undefined && job.ref.uid !== '' && pod.metadata?.uid !== job.ref.uid)
        return;
      const current = pod.metadata?.annotations?.[NETWORK_STATUS_ANNOTATION];
      const next = withoutReleased(current, job.released);
      if ((next ?? undefined) === current) {
        // The cache may not have seen the ADD's status write yet: only the server says "nothing to do".
        if (fresh) return;
        continue;
      }
      const metadata = {
        resourceVersion: pod.metadata?.resourceVersion,
        annotations: { [NETWORK_STATUS_ANNOTATION]: next },
      };
      try {
        await client.patch(PODS, target, { metadata }, { type: 'merge', status: true, signal });
        return;
      } catch (e) {
        // Changed since we read it: read it again (from the server) and redo the filter.
        if (!isConflict(e) || tries >= 5) throw e;
      }
    }
  }
}

/**
 * Whether a later job makes the failing publish at the head of the queue pointless: a later
 * publish (newer entries), or a release of every address it would publish (its sandbox was
 * deleted meanwhile). A release of another sandbox's addresses does not.
 */
export function supersedes(jobs: readonly { job: Job }[]): boolean {
  const head = jobs[0]?.job;
  if (head === undefined || head.kind !== 'publish') return false;
  const ips = head.entries.flatMap((e) => e.ips ?? []);
  return jobs
    .slice(1)
    .some(
      ({ job }) =>
        job.kind === 'publish' || (ips.length > 0 && ips.every((ip) => job.released.ips.has(ip))),
    );
}

/**
 * Worth another try: anything but a request the server judges malformed (400) or invalid (422,
 * e.g. the uid of a pod recreated under the same name). 401 and 403 are retried too: an API
 * server that has just started answers them until its authenticator and RBAC caches are warm.
 */
function retryable(e: unknown): boolean {
  return !(e instanceof ApiError && (e.status === 400 || e.status === 422));
}
