// A watch on every key under a prefix, from a given revision. The etcd3 client re-attaches it
// after a disconnect (an etcd restart) from the last revision it saw; if that revision has been
// compacted meanwhile the watch ends and reports it, so the caller re-lists and watches anew.
import type { Etcd3, Watcher } from 'etcd3';
import type { KeyValue } from './client.ts';

export interface PrefixWatchOptions {
  /** First revision to deliver: a list's revision + 1. */
  fromRevision: string;
  onPut(kv: KeyValue, previous?: KeyValue): void;
  /** `kv.value` is empty; `previous` holds the deleted value. */
  onDelete(kv: KeyValue, previous?: KeyValue): void;
  /** The history since fromRevision (or since the last revision seen) is compacted: re-list. */
  onCompacted(err: Error): void;
  /** Lost and regained connection (the watch resumes by itself). */
  onDisconnected?(err: Error): void;
  onReconnected?(): void;
  /** Any other end of the watch. */
  onError?(err: Error): void;
}

export interface PrefixWatch {
  /** The next revision the watch will deliver from. */
  nextRevision(): string;
  stop(): Promise<void>;
}

type RawKv = {
  key: Buffer;
  value: Buffer;
  create_revision: string;
  mod_revision: string;
  version: string;
};

function kvOf(raw: RawKv | undefined): KeyValue | undefined {
  if (!raw) return undefined;
  return {
    key: raw.key.toString('utf8'),
    value: raw.value.toString('utf8'),
    createRevision: raw.create_revision,
    modRevision: raw.mod_revision,
    version: raw.version,
  };
}

export async function watchPrefix(
  client: Etcd3,
  prefix: string,
  opts: PrefixWatchOptions,
): Promise<PrefixWatch> {
  const watcher: Watcher = await client
    .watch()
    .prefix(prefix)
    .startRevision(opts.fromRevision)
    .withPreviousKV()
    .create();
  let disconnected = false;
  watcher.on('put', (kv, prev) =>
    opts.onPut(kvOf(kv as RawKv) as KeyValue, kvOf(prev as RawKv | undefined)),
  );
  watcher.on('delete', (kv, prev) =>
    opts.onDelete(kvOf(kv as RawKv) as KeyValue, kvOf(prev as RawKv | undefined)),
  );
  watcher.on('disconnected', (err: Error) => {
    disconnected = true;
    opts.onDisconnected?.(err);
  });
  watcher.on('connected', () => {
    if (!disconnected) return;
    disconnected = false;
    opts.onReconnected?.();
  });
  watcher.on('error', (err: Error) => {
    // etcd cancels a watch whose start revision is compacted ("required revision has been compacted").
    if (/compacted/i.test(err.message)) opts.onCompacted(err);
    else opts.onError?.(err);
  });
  return {
    nextRevision: () => String(watcher.lastRevision() ?? opts.fromRevision),
    stop: () => watcher.cancel(),
  };
}
