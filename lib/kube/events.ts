// EventRecorder: Events (events.k8s.io/v1) about our objects, as `kubectl describe` and
// `kubectl get events` show them. Repeats of the same event within 6 minutes update one Event's
// series (count, lastObservedTime) instead of creating a new object each time; writes never
// block the caller, and memory and pending writes are bounded.
import type { Logger } from '../log/index.ts';
import type { KubeClient } from './client.ts';
import { isNotFound } from './errors.ts';
import { EVENTS } from './resources.ts';
import type { Event, KubeObject } from './types.ts';

export interface EventRecorderOptions {
  client: KubeClient;
  /** e.g. "plexus.dev/operator". */
  reportingController: string;
  /** This replica, e.g. the pod name. */
  reportingInstance: string;
  logger?: Logger;
  /** Repeats are folded into one Event for this long after the last one; default 6 min (client-go's). */
  seriesWindowMs?: number;
  /** Series updates of one Event are written at most this often; default 10 s. */
  minPatchIntervalMs?: number;
  /** Distinct events remembered for folding; default 4096. */
  cacheSize?: number;
  /** Writes queued beyond this are dropped (and counted); default 256. */
  maxPending?: number;
}

export interface EventSpec {
  type: 'Normal' | 'Warning';
  /** CamelCase, e.g. "SubnetAllocated". */
  reason: string;
  /** What was done or failed, e.g. "Allocate". */
  action: string;
  /** For a person; cut at 1 KiB, the API's limit. */
  note: string;
}

interface Entry {
  name: string;
  namespace: string;
  count: number;
  lastSeen: number;
  lastWrite: number;
  created: Promise<boolean>;
  patchTimer?: NodeJS.Timeout;
}

const NOTE_LIMIT = 1024;

/** Time as the API's MicroTime wants it: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class EventRecorder {
  /** Events dropped because too many writes were pending. */
  dropped = 0;
  private readonly opts: EventRecorderOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(opts: EventRecorderOptions) {
    this.opts = opts;
  }

  /** Records an event about `regarding`; returns at once. */
  event(regarding: KubeObject, spec: EventSpec): void {
    const meta = regarding.metadata ?? {};
    const note =
      spec.note.length > NOTE_LIMIT ? `${spec.note.slice(0, NOTE_LIMIT - 3)}...` : spec.note;
    const key = [
      regarding.kind,
      meta.namespace,
      meta.name,
      meta.uid,
      spec.type,
      spec.reason,
      spec.action,
      note,
    ].join('\0');
    const now = Date.now();
    const window = this.opts.seriesWindowMs ?? 6 * 60_000;
    const entry = this.entries.get(key);
    if (entry && now - entry.lastSeen < window) {
      entry.count++;
      entry.lastSeen = now;
      // Most recently used last: the oldest is the first to go when the cache is full.
      this.entries.delete(key);
      this.entries.set(key, entry);
      this.schedulePatch(entry);
      return;
    }
    if (entry) clearTimeout(entry.patchTimer);
    const fresh = this.create(regarding, { ...spec, note }, now);
    if (!fresh) return;
    this.entries.delete(key);
    this.entries.set(key, fresh);
    const limit = this.opts.cacheSize ?? 4096;
    while (this.entries.size > limit) {
      const [oldest, old] = this.entries.entries().next().value as [string, Entry];
      clearTimeout(old.patchTimer);
      this.entries.delete(oldest);
    }
  }

  /** Waits for the writes started so far (and writes due series updates now). */
  async flush(): Promise<void> {
    for (const entry of this.entries.values()) {
      if (entry.patchTimer) {
        clearTimeout(entry.patchTimer);
        entry.patchTimer = undefined;
        this.writeSeries(entry);
      }
    }
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track<T>(p: Promise<T>): Promise<T> | undefined {
    if (this.pending.size >= (this.opts.maxPending ?? 256)) {
      this.dropped++;
      return undefined;
    }
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => {});
    return p;
  }

  private create(regarding: KubeObject, spec: EventSpec, now: number): Entry | undefined {
    const meta = regarding.metadata ?? {};
    // Events about cluster-scoped objects live in "default", as client-go puts them.
    const namespace = meta.namespace || 'default';
    const name = `${meta.name ?? 'unknown'}.${(BigInt(now) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
    const event: Event = {
      metadata: { name, namespace },
      eventTime: microTime(now),
      type: spec.type,
      reason: spec.reason,
      action: spec.action,
      note: spec.note,
      reportingController: this.opts.reportingController,
      reportingInstance: this.opts.reportingInstance,
      regarding: {
        apiVersion: regarding.apiVersion,
        kind: regarding.kind,
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
    };
    const created = this.track(
      this.opts.client.create(EVENTS, event).then(
        () => true,
        (e: unknown) => {
          this.opts.logger?.warn(
            { err: e, reason: spec.reason, event: name },
            'could not write Event',
          );
          return false;
        },
      ),
    );
    if (!created) return undefined;
    return { name, namespace, count: 1, lastSeen: now, lastWrite: now, created };
  }

  private schedulePatch(entry: Entry): void {
    if (entry.patchTimer) return;
    const wait = Math.max(
      0,
      entry.lastWrite + (this.opts.minPatchIntervalMs ?? 10_000) - Date.now(),
    );
    entry.patchTimer = setTimeout(() => {
      entry.patchTimer = undefined;
      this.writeSeries(entry);
    }, wait);
    entry.patchTimer.unref();
  }

  private writeSeries(entry: Entry): void {
    entry.lastWrite = Date.now();
    const series = { count: entry.count, lastObservedTime: microTime(entry.lastSeen) };
    this.track(
      entry.created.then(async (ok) => {
        if (!ok) return;
        try {
          await this.opts.client.patch(EVENTS, entry, { series }, { type: 'merge' });
        } catch (e) {
          // Expired (Events live an hour) or deleted: the next repeat starts a new Event.
          if (isNotFound(e)) entry.lastSeen = 0;
          else
            this.opts.logger?.warn({ err: e, event: entry.name }, 'could not update Event series');
        }
      }),
    );
  }
}
