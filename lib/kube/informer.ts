// Informer<T>: keeps an in-memory store of one resource in step with the API server, the way
// client-go's reflector does: list (in pages), then watch from the list's resourceVersion with
// bookmarks; re-list on 410 Gone; on any other error, or a stream that ends, watch again from
// the last resourceVersion after a capped, jittered backoff. It never gives up until stopped.
import { randomInt } from 'node:crypto';
import type { Logger } from '../log/index.ts';
import { Backoff, sleep } from './backoff.ts';
import type { BackoffOptions } from './backoff.ts';
import type { KubeClient } from './client.ts';
import { ApiError, isGone } from './errors.ts';
import { resourcePath } from './resources.ts';
import type { ResourceType } from './resources.ts';
import { Store, byNamespace, keyOf } from './store.ts';
import type { IndexFunc } from './store.ts';
import type { KubeObject, Status } from './types.ts';
import { readLines } from './watch-lines.ts';

export interface InformerOptions<T extends KubeObject> {
  client: KubeClient;
  type: ResourceType<T>;
  /** Only this namespace; all namespaces when omitted. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Extra indexers; "namespace" is always there. */
  indexers?: Record<string, IndexFunc<T>>;
  /** List page size; default 500. */
  pageSize?: number;
  /** A single watch event larger than this is an error (and a restart); default 16 MiB. */
  maxEventBytes?: number;
  /** Server-side watch timeout; default a random 300–599 s, as client-go, so watches do not end in step. */
  watchTimeoutSeconds?: number;
  /** Retry spacing; default 200 ms doubling to 30 s, ±20 %. */
  backoff?: BackoffOptions;
  /** A watch that lasted this long counts as healthy: the backoff resets; default 30 s. */
  healthyWatchMs?: number;
  /** Applied to every object before it is stored and handed to handlers (client-go's
   * TransformFunc), e.g. to drop managedFields a controller never reads: the cache then
   * holds less. It must keep metadata.name, namespace and resourceVersion. */
  transform?: (obj: T) => T;
  logger?: Logger;
}

export interface DeleteInfo {
  /** True when the delete was missed and found by a re-list: `obj` is the last state seen. */
  finalStateUnknown: boolean;
}

export interface InformerHandlers<T> {
  add: (obj: T) => void;
  update: (old: T, obj: T) => void;
  delete: (obj: T, info: DeleteInfo) => void;
  /** Every failed list or watch (the informer retries by itself). */
  error: (err: Error) => void;
}

export interface InformerStats {
  lists: number;
  /** Re-lists because the resourceVersion was gone (410 / too old). */
  relistsGone: number;
  watches: number;
  bookmarks: number;
  events: number;
  errors: number;
  handlerErrors: number;
  lastError?: string;
}

type Listeners<T> = { [E in keyof InformerHandlers<T>]: Set<InformerHandlers<T>[E]> };

export class Informer<T extends KubeObject> {
  readonly store: Store<T>;
  readonly stats: InformerStats = {
    lists: 0,
    relistsGone: 0,
    watches: 0,
    bookmarks: 0,
    events: 0,
    errors: 0,
    handlerErrors: 0,
  };
  private readonly opts: InformerOptions<T>;
  private readonly listeners: Listeners<T> = {
    add: new Set(),
    update: new Set(),
    delete: new Set(),
    error: new Set(),
  };
  private readonly backoff: Backoff;
  private readonly abort = new AbortController();
  private rv = '';
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private running: Promise<void> | undefined;

  constructor(opts: InformerOptions<T>) {
    this.opts = opts;
    this.store = new Store<T>({ namespace: byNamespace, ...opts.indexers });
    this.backoff = new Backoff(opts.backoff);
  }

  /** Registers a handler; returns a function that removes it. */
  on<E extends keyof InformerHandlers<T>>(event: E, fn: InformerHandlers<T>[E]): () => void {
    const set = this.listeners[event] as Set<InformerHandlers<T>[E]>;
    set.add(fn);
    return () => set.delete(fn);
  }

  /** The resourceVersion the next watch starts from (from the last list, event or bookmark). */
  get resourceVersion(): string {
    return this.rv;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list is in the store; rejects if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void =>
        reject(new Error(`${this.what()}: stopped waiting for the first sync`));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  start(): this {
    this.running ??= this.loop();
    return this;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private what(): string {
    const ns = this.opts.namespace ? ` in ${this.opts.namespace}` : '';
    return `informer ${this.opts.type.plural}${ns}`;
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    const healthyMs = this.opts.healthyWatchMs ?? 30_000;
    let needList = true;
    let goneStreak = 0;
    while (!signal.aborted) {
      let started = Date.now();
      try {
        if (needList) {
          await this.listAndReplace(signal);
          needList = false;
        }
        started = Date.now();
        await this.watch(signal);
        goneStreak = 0;
        // The server ended the watch (its timeout) or the connection closed cleanly.
        if (Date.now() - started >= healthyMs) {
          this.backoff.reset();
          continue;
        }
        await sleep(this.backoff.next(), signal);
      } catch (e) {
        if (signal.aborted) break;
        const err = e instanceof Error ? e : new Error(String(e));
        if (isGone(err)) {
          // Our resourceVersion is compacted away: only a fresh list can tell what changed.
          needList = true;
          this.stats.relistsGone++;
          this.opts.logger?.info(
            { informer: this.what(), rv: this.rv },
            'resourceVersion too old; re-listing',
          );
          if (++goneStreak > 1) await sleep(this.backoff.next(), signal);
          continue;
        }
        this.stats.errors++;
        this.stats.lastError = err.message;
        this.emit('error', err);
        if (Date.now() - started >= healthyMs) this.backoff.reset();
        const delay = this.backoff.next();
        this.opts.logger?.warn(
          { informer: this.what(), err: err.message, retryInMs: delay },
          'list/watch failed; retrying',
        );
        await sleep(delay, signal);
      }
    }
  }

  private async listAndReplace(signal: AbortSignal): Promise<void> {
    const { client, type, namespace, labelSelector, fieldSelector } = this.opts;
    const { items: listed, resourceVersion } = await client.listAll(type, {
      namespace,
      labelSelector,
      fieldSelector,
      pageSize: this.opts.pageSize ?? 500,
      signal,
    });
    this.stats.lists++;
    const t = this.opts.transform;
    const items = t === undefined ? listed : listed.map(t);
    const first = !this.synced;
    const diff = this.store.replace(items);
    this.rv = resourceVersion;
    this.backoff.reset();
    for (const obj of diff.added) this.emit('add', obj);
    for (const { old, obj } of diff.updated) this.emit('update', old, obj);
    // Deleted while we were not watching: handlers still hear of it, with the last state we had.
    for (const obj of diff.deleted) this.emit('delete', obj, { finalStateUnknown: true });
    if (first) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private async watch(signal: AbortSignal): Promise<void> {
    const { client, type, namespace, labelSelector, fieldSelector } = this.opts;
    const timeoutSeconds = this.opts.watchTimeoutSeconds ?? randomInt(300, 600);
    const res = await client.transport.stream({
      method: 'GET',
      path: resourcePath(type, { namespace }),
      query: {
        watch: 1,
        resourceVersion: this.rv,
        allowWatchBookmarks: true,
        timeoutSeconds,
        labelSelector,
        fieldSelector,
      },
      // Bookmarks come at least every minute: a longer silence is a dead connection.
      timeoutMs: Math.min(timeoutSeconds + 30, 120) * 1000,
      signal,
    });
    this.stats.watches++;
    try {
      for await (const line of readLines(res, this.opts.maxEventBytes ?? 16 * 1024 * 1024)) {
        this.handleLine(line);
      }
    } finally {
      res.destroy();
    }
  }

  private handleLine(line: string): void {
    let event: { type?: unknown; object?: unknown };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      throw new Error(`${this.what()}: malformed watch event (${line.length} bytes of non-JSON)`);
    }
    const raw = event.object as T | undefined;
    if (typeof raw !== 'object' || raw === null)
      throw new Error(`${this.what()}: watch event without an object`);
    const t = this.opts.transform;
    const obj =
      t === undefined || event.type === 'BOOKMARK' || event.type === 'ERROR' ? raw : t(raw);
    this.stats.events++;
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const old = this.store.upsert(obj);
        this.track(obj);
        if (old) this.emit('update', old, obj);
        else this.emit('add', obj);
        return;
      }
      case 'DELETED': {
        this.store.remove(obj);
        this.track(obj);
        this.emit('delete', obj, { finalStateUnknown: false });
        return;
      }
      case 'BOOKMARK':
        this.stats.bookmarks++;
        this.track(obj);
        return;
      case 'ERROR': {
        const status = obj as Status;
        throw new ApiError({
          status: status.code ?? 500,
          reason: status.reason,
          message: status.message ?? 'watch error',
          method: 'WATCH',
          path: resourcePath(this.opts.type, { namespace: this.opts.namespace }),
          body: status,
        });
      }
      default:
        throw new Error(`${this.what()}: unknown watch event type ${JSON.stringify(event.type)}`);
    }
  }

  private track(obj: KubeObject): void {
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.rv = rv;
  }

  private emit<E extends keyof InformerHandlers<T>>(
    event: E,
    ...args: Parameters<InformerHandlers<T>[E]>
  ): void {
    for (const fn of this.listeners[event]) {
      try {
        (fn as (...a: Parameters<InformerHandlers<T>[E]>) => void)(...args);
      } catch (e) {
        // A handler's bug must not stop the informer (nor skip the other handlers).
        this.stats.handlerErrors++;
        const key =
          event === 'error'
            ? undefined
            : keyOf(args[args.length > 1 && event === 'update' ? 1 : 0] as KubeObject);
        this.opts.logger?.error(
          { informer: this.what(), event, key, err: e },
          'informer handler threw',
        );
      }
    }
  }
}
