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
  /** The history since fromRevision (or since the last revision seen) is compacted: re-list.
   * The watch has ended; start a new one from the re-list's revision + 1. */
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
  // The revision to resume from, as delivered: the etcd3 package moves its own start revision to
  // "now" when it re-attaches, before the events in between have arrived, so keep ours.
  let resumeFrom = BigInt(opts.fromRevision);
  watcher.on('data', (res: { header: { revision: string } }) => {
    resumeFrom = BigInt(res.header.revision) + 1n;
  });
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
    // etcd cancels a watch whose start revision is compacted, but the etcd3 package passes on
    // only the (then empty) cancel reason, not the compact revision: ask etcd directly whether
    // that revision is still readable.
    const from = String(resumeFrom);
    const compactedErr = new Error(
      `etcd watch on ${prefix} from revision ${from}: that history is compacted; re-list and watch from the list's revision + 1`,
    );
    isCompacted(client, prefix, from).then(
      (compacted) => (compacted ? opts.onCompacted(compactedErr) : opts.onError?.(err)),
      () => opts.onError?.(err),
    );
  });
  return {
    nextRevision: () => String(resumeFrom),
    stop: () => watcher.cancel(),
  };
}

/** True when `revision` is older than etcd's compaction point. */
async function isCompacted(client: Etcd3, key: string, revision: string): Promise<boolean> {
  try {
    await client.kv.range({ key: Buffer.from(key), revision, limit: 1 });
    return false;
  } catch (e) {
    if (/compacted/i.test((e as Error).message)) return true;
    throw e;
  }
}
