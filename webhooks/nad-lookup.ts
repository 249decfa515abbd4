// Which NetworkAttachmentDefinitions exist, for the pod checks: an informer cache, never a GET
// per request; on a cache miss one GET (shared by concurrent reviews that miss the same NAD),
// so a NAD created a moment before its pod is found while the cache catches up.
import type { NadLookup, NadReference } from '../api/npwg/index.ts';
import { Informer, NETWORK_ATTACHMENT_DEFINITIONS, isNotFound } from '../lib/kube/index.ts';
import type { KubeClient, NetworkAttachmentDefinition } from '../lib/kube/index.ts';
import type { Logger } from '../lib/log/index.ts';

/** At most this many cache misses are looked up for one review; the rest count as missing. */
export const MAX_MISSES_PER_REVIEW = 16;

/** A lookup the API server did not answer: the review cannot be judged. */
export class LookupError extends Error {
  constructor(key: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`could not look up NetworkAttachmentDefinition ${key}: ${why.slice(0, 200)}; try again`);
    this.name = 'LookupError';
  }
}

export interface NadLookupOptions {
  client: KubeClient;
  logger?: Logger;
  /** Deadline of one GET on a miss; default 2 s (the API server waits at most timeoutSeconds). */
  getTimeoutMs?: number;
  /** Called for each GET made on a cache miss, with what it found. */
  onMiss?: (found: boolean | 'error') => void;
}

export class NadDirectory {
  readonly informer: Informer<NetworkAttachmentDefinition>;
  private readonly client: KubeClient;
  private readonly getTimeoutMs: number;
  private readonly pending = new Map<string, Promise<boolean>>();
  private readonly onMiss: (found: boolean | 'error') => void;

  constructor(opts: NadLookupOptions) {
    this.client = opts.client;
    this.getTimeoutMs = opts.getTimeoutMs ?? 2000;
    this.onMiss = opts.onMiss ?? (() => {});
    this.informer = new Informer({
      client: opts.client,
      type: NETWORK_ATTACHMENT_DEFINITIONS,
      ...(opts.logger === undefined ? {} : { logger: opts.logger }),
    });
  }

  start(): this {
    this.informer.start();
    return this;
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  /** Each reference with whether its NAD exists: at once when the cache has every one of them
   * (the common case, no promise), else once the misses are looked up (rejects with LookupError
   * when a GET fails). */
  lookup(refs: readonly NadReference[]): NadLookup[] | Promise<NadLookup[]> {
    const store = this.informer.store;
    let hits = 0;
    for (const r of refs) if (store.get(`${r.namespace}/${r.name}`) !== undefined) hits++;
    if (hits === refs.length) return refs.map((reference) => ({ reference, exists: true }));
    return this.lookupMisses(refs);
  }

  private async lookupMisses(refs: readonly NadReference[]): Promise<NadLookup[]> {
    const store = this.informer.store;
    const answers = new Map<string, boolean | Promise<boolean>>();
    let misses = 0;
    for (const r of refs) {
      const key = `${r.namespace}/${r.name}`;
      if (answers.has(key)) continue;
      if (store.get(key) !== undefined) answers.set(key, true);
      else if (++misses > MAX_MISSES_PER_REVIEW) answers.set(key, false);
      else answers.set(key, this.fetch(r.namespace, r.name));
    }
    // Promise.all, so a failed GET never leaves another one's rejection unhandled.
    const keys = [...answers.keys()];
    const found = await Promise.all(keys.map((k) => answers.get(k)));
    const exists = new Map(keys.map((k, i) => [k, found[i] === true]));
    return refs.map((reference) => ({
      reference,
      exists: exists.get(`${reference.namespace}/${reference.name}`) === true,
    }));
  }

  private fetch(namespace: string, name: string): Promise<boolean> {
    const key = `${namespace}/${name}`;
    let p = this.pending.get(key);
    if (p !== undefined) return p;
    p = this.get(namespace, name, key).finally(() => this.pending.delete(key));
    this.pending.set(key, p);
    return p;
  }

  private async get(namespace: string, name: string, key: string): Promise<boolean> {
    try {
      const signal = AbortSignal.timeout(this.getTimeoutMs);
      await this.client.get(NETWORK_ATTACHMENT_DEFINITIONS, { namespace, name }, signal);
      this.onMiss(true);
      return true;
    } catch (e) {
      if (isNotFound(e)) {
        this.onMiss(false);
        return false;
      }
      this.onMiss('error');
      throw new LookupError(key, e);
    }
  }
}
