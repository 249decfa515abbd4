// createEtcdClient: an etcd v3 client (the etcd3 package) over several endpoints with optional
// TLS, and the operations the operator and agent need: create-if-absent (one key, or many in
// one transaction with a per-key fallback), delete-if-unchanged, and prefix listing in pages.
import { readFileSync } from 'node:fs';
import { Etcd3 } from 'etcd3';
import type { IOperation, IOptions } from 'etcd3';
import { watchPrefix } from './prefix-watch.ts';
import type { PrefixWatch, PrefixWatchOptions } from './prefix-watch.ts';

export interface EtcdTlsFiles {
  caFile: string;
  /** Client certificate and key, when etcd checks clients (--client-cert-auth). */
  certFile?: string;
  keyFile?: string;
}

export interface EtcdClientOptions {
  /** e.g. ["https://10.0.0.1:2379", "https://10.0.0.2:2379"]. */
  endpoints: string[];
  tls?: EtcdTlsFiles;
  /** How long to wait for a connection; default 5 s. */
  dialTimeoutMs?: number;
  /** Deadline of each unary call; default 10 s. */
  requestTimeoutMs?: number;
}

export interface KeyValue {
  key: string;
  value: string;
  createRevision: string;
  modRevision: string;
  version: string;
}

export interface PrefixList {
  /** The store's revision the list is consistent at; watch from revision + 1. */
  revision: string;
  kvs: KeyValue[];
}

export interface CreateResult {
  created: boolean;
  /** The value someone else holds, when not created. */
  existing?: KeyValue;
  revision: string;
}

/** One key of a guarded transaction: the state it must be in, and what to do to it. */
export interface GuardedOp {
  key: string;
  /** "absent" (Version == 0), or the mod revision it must still have. */
  expect: 'absent' | { modRevision: string };
  /** Put this value, delete the key, or only check it. */
  then: { put: string } | 'delete' | 'check';
}

export interface GuardedTxnResult {
  succeeded: boolean;
  revision: string;
  /** When not succeeded: every key's current value (undefined = absent), read in the same transaction. */
  current?: Map<string, KeyValue | undefined>;
}

export class EtcdConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EtcdConfigError';
  }
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new EtcdConfigError(`etcd ${what} ${path}: ${(e as Error).message}`);
  }
}

/** The etcd3 options for ours, or an EtcdConfigError naming the bad endpoint or file. */
export function etcdOptions(opts: EtcdClientOptions): IOptions {
  if (opts.endpoints.length === 0)
    throw new EtcdConfigError(
      'etcd endpoints: none given; pass at least one, e.g. http://127.0.0.1:2379',
    );
  const schemes = new Set<string>();
  for (const e of opts.endpoints) {
    let url: URL;
    try {
      url = new URL(e);
    } catch {
      throw new EtcdConfigError(
        `etcd endpoint ${JSON.stringify(e)} is not a URL; write it as https://host:2379`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new EtcdConfigError(`etcd endpoint ${e}: use http:// or https://`);
    schemes.add(url.protocol);
  }
  if (schemes.size > 1)
    throw new EtcdConfigError('etcd endpoints mix http:// and https://; use one scheme');
  const https = schemes.has('https:');
  if (https && !opts.tls)
    throw new EtcdConfigError(
      'etcd endpoints are https:// but no CA file was given; pass the etcd CA',
    );
  if (!https && opts.tls)
    throw new EtcdConfigError(
      'etcd TLS files were given but the endpoints are http://; use https://',
    );
  if (opts.tls && (opts.tls.certFile === undefined) !== (opts.tls.keyFile === undefined))
    throw new EtcdConfigError('etcd client certificate and key go together; pass both or neither');
  const requestTimeout = opts.requestTimeoutMs ?? 10_000;
  return {
    hosts: opts.endpoints,
    dialTimeout: opts.dialTimeoutMs ?? 5000,
    credentials: opts.tls
      ? {
          rootCertificate: read(opts.tls.caFile, 'CA file'),
          certChain: opts.tls.certFile ? read(opts.tls.certFile, 'client certificate') : undefined,
          privateKey: opts.tls.keyFile ? read(opts.tls.keyFile, 'client key') : undefined,
        }
      : undefined,
    // Unary calls get a deadline; watch streams live until cancelled.
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + requestTimeout }),
  };
}

function toKv(kv: {
  key: Buffer;
  value: Buffer;
  create_revision: string;
  mod_revision: string;
  version: string;
}): KeyValue {
  return {
    key: kv.key.toString('utf8'),
    value: kv.value.toString('utf8'),
    createRevision: kv.create_revision,
    modRevision: kv.mod_revision,
    version: kv.version,
  };
}

/** The end of the key range holding every key that starts with `prefix`. */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]); // every key
}

export class EtcdClient {
  readonly raw: Etcd3;

  constructor(opts: EtcdClientOptions) {
    this.raw = new Etcd3(etcdOptions(opts));
  }

  /** Puts key = value only if the key does not exist (Version == 0); never overwrites. */
  async createIfAbsent(key: string, value: string): Promise<CreateResult> {
    const res = await this.raw
      .if(key, 'Version', '==', 0)
      .then(this.raw.put(key).value(value))
      .else(this.raw.get(key))
      .commit();
    if (res.succeeded) return { created: true, revision: res.header.revision };
    const kv = res.responses[0]?.response_range?.kvs[0];
    return { created: false, existing: kv ? toKv(kv) : undefined, revision: res.header.revision };
  }

  /**
   * Creates every absent key in one transaction when none exists; otherwise, in a second step,
   * each absent key on its own. Returns per key whether we created it.
   */
  async createAllIfAbsent(
    entries: readonly { key: string; value: string }[],
  ): Promise<Map<string, CreateResult>> {
    const out = new Map<string, CreateResult>();
    if (entries.length === 0) return out;
    const [first, ...rest] = entries as [
      { key: string; value: string },
      ...{ key: string; value: string }[],
    ];
    let cmp = this.raw.if(first.key, 'Version', '==', 0);
    for (const e of rest) cmp = cmp.and(e.key, 'Version', '==', 0);
    const res = await cmp.then(...entries.map((e) => this.raw.put(e.key).value(e.value))).commit();
    if (res.succeeded) {
      for (const e of entries) out.set(e.key, { created: true, revision: res.header.revision });
      return out;
    }
    // Someone holds at least one key: fall back to one transaction per key.
    for (const e of entries) out.set(e.key, await this.createIfAbsent(e.key, e.value));
    return out;
  }

  /** Deletes the key only if it is still at modRevision (so a lease re-taken meanwhile survives). */
  async deleteIfUnchanged(key: string, modRevision: string): Promise<boolean> {
    const res = await this.raw
      .if(key, 'Mod', '==', modRevision)
      .then(this.raw.delete().key(key))
      .commit();
    return res.succeeded;
  }

  /**
   * One transaction over several keys: if every key is as expected, apply every op; otherwise
   * apply none and read every key instead, so the caller learns what changed in the same round
   * trip. etcd limits a transaction to --max-txn-ops (default 128) operations per branch.
   */
  async guardedTxn(ops: readonly GuardedOp[]): Promise<GuardedTxnResult> {
    const [first, ...rest] = ops;
    if (first === undefined) throw new Error('guardedTxn: no keys given');
    const cmp = (
      b: ReturnType<Etcd3['if']> | undefined,
      op: GuardedOp,
    ): ReturnType<Etcd3['if']> => {
      const [column, value] =
        op.expect === 'absent'
          ? (['Version', 0] as const)
          : (['Mod', op.expect.modRevision] as const);
      return b === undefined
        ? this.raw.if(op.key, column, '==', value)
        : b.and(op.key, column, '==', value);
    };
    let builder = cmp(undefined, first);
    for (const op of rest) builder = cmp(builder, op);
    const writes = ops.flatMap((op): IOperation[] =>
      op.then === 'check'
        ? []
        : op.then === 'delete'
          ? [this.raw.delete().key(op.key)]
          : [this.raw.put(op.key).value(op.then.put)],
    );
    const res = await builder
      .then(...writes)
      .else(...ops.map((op) => this.raw.get(op.key)))
      .commit();
    if (res.succeeded) return { succeeded: true, revision: res.header.revision };
    const current = new Map<string, KeyValue | undefined>();
    ops.forEach((op, i) => {
      const kv = res.responses[i]?.response_range?.kvs[0];
      current.set(op.key, kv ? toKv(kv) : undefined);
    });
    return { succeeded: false, revision: res.header.revision, current };
  }

  /** How many keys start with prefix (no values are sent). */
  async countPrefix(prefix: string): Promise<number> {
    const res = await this.raw.kv.range({
      key: Buffer.from(prefix),
      range_end: prefixEnd(Buffer.from(prefix)),
      count_only: true,
    });
    return Number(res.count);
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.raw.kv.range({ key: Buffer.from(key) });
    const kv = res.kvs[0];
    return kv ? toKv(kv) : undefined;
  }

  async put(key: string, value: string): Promise<void> {
    await this.raw.put(key).value(value).exec();
  }

  /** Every key under prefix, at one revision, fetched in pages (a large prefix never comes in one message). */
  async listPrefix(prefix: string, pageSize = 1000): Promise<PrefixList> {
    const end = prefixEnd(Buffer.from(prefix));
    let from = Buffer.from(prefix);
    let revision: string | undefined;
    const kvs: KeyValue[] = [];
    for (;;) {
      const res = await this.raw.kv.range({ key: from, range_end: end, limit: pageSize, revision });
      revision ??= res.header.revision;
      for (const kv of res.kvs) kvs.push(toKv(kv));
      const last = res.kvs[res.kvs.length - 1];
      if (!res.more || !last) break;
      from = Buffer.concat([last.key, Buffer.from([0])]);
    }
    return { revision: revision ?? '0', kvs };
  }

  /** Watches every key under prefix from a revision; see PrefixWatchOptions. */
  watchPrefix(prefix: string, opts: PrefixWatchOptions): Promise<PrefixWatch> {
    return watchPrefix(this.raw, prefix, opts);
  }

  close(): void {
    this.raw.close();
  }
}

export function createEtcdClient(opts: EtcdClientOptions): EtcdClient {
  return new EtcdClient(opts);
}
