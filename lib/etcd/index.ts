// etcd v3 for the flannel-compatible lease store: client options, transactions, prefix list/watch.
/** createEtcdClient({endpoints, tls?, dialTimeoutMs?}): an EtcdClient on the etcd3 package. */
export { createEtcdClient, EtcdClient, EtcdConfigError, etcdOptions, prefixEnd } from './client.ts';
/** The client's options, TLS files, and result shapes. */
export type {
  EtcdClientOptions,
  EtcdTlsFiles,
  KeyValue,
  PrefixList,
  CreateResult,
  GuardedOp,
  GuardedTxnResult,
} from './client.ts';
/** PrefixWatch / PrefixWatchOptions: a prefix watch from a revision that reports compaction. */
export type { PrefixWatch, PrefixWatchOptions } from './prefix-watch.ts';
