// Talking to the Kubernetes API: config, typed client with server-side apply, informers,
// events and leader election.
//
// Which client where, and why: everything here runs on our own HTTPS transport (node:https with
// the kubeconfig's TLS material). @kubernetes/client-node is used for its model types only
// (`import type`, erased at run time): loading it costs about 80 MB of RSS, more than the node
// agent's whole budget. kubernetes-fluent-client is not used: its Watch re-lists on every
// reconnect (no bookmarks), has no bound on a watch line, reads only the default kubeconfig, and
// in our connection-cut test it left up to 8 parallel watch streams open for one watcher and
// delivered duplicate ADDED events; its Apply hard-codes the field manager "pepr".
/** loadKubeConfig({kubeconfig?, context?}): file, else $KUBECONFIG, else in-cluster, else ~/.kube/config. */
export {
  loadKubeConfig,
  kubeConfigFromFile,
  inClusterConfig,
  KubeConfigError,
  SERVICE_ACCOUNT_DIR,
} from './config.ts';
/** KubeConfig: server, TLS material, token; LoadKubeConfigOptions: where to look. */
export type { KubeConfig, LoadKubeConfigOptions } from './config.ts';
/** KubeClient: typed get/list/listAll/create/replace/patch/apply/delete, status subresource via {status: true}. */
export { KubeClient } from './client.ts';
/** Options of the client's calls. */
export type {
  KubeClientOptions,
  ListOptions,
  WriteOptions,
  PatchOptions,
  PatchType,
  ApplyOptions,
  DeleteOptions,
  Target,
} from './client.ts';
/** ApiError and the predicates callers branch on. */
export { ApiError, isNotFound, isConflict, isAlreadyExists, isGone } from './errors.ts';
/** Resource descriptors (core, apps, coordination, events, ours, NPWG) and path helpers. */
export {
  PODS,
  NODES,
  NAMESPACES,
  CONFIG_MAPS,
  SECRETS,
  SERVICES,
  DEPLOYMENTS,
  DAEMON_SETS,
  STATEFUL_SETS,
  REPLICA_SETS,
  LEASES,
  EVENTS,
  OVERLAY_NETWORKS,
  NODE_NETWORK_CONFIGS,
  NETWORK_ATTACHMENT_DEFINITIONS,
  resourcePath,
  apiVersionOf,
} from './resources.ts';
/** ResourceType<T>: where a resource lives and the type of its objects. */
export type { ResourceType } from './resources.ts';
/** Wire types of the objects (Dates as strings). */
export type {
  Wire,
  KubeObject,
  ObjectMeta,
  OwnerReference,
  ObjectList,
  Status,
  Pod,
  Node,
  Namespace,
  ConfigMap,
  Secret,
  Service,
  Deployment,
  DaemonSet,
  StatefulSet,
  ReplicaSet,
  Lease,
  Event,
  OverlayNetwork,
  NodeNetworkConfig,
  NetworkAttachmentDefinition,
} from './types.ts';
/** Informer<T>: list + watch with bookmarks, re-list on 410, backoff restarts, store, handlers. */
export { Informer } from './informer.ts';
/** The informer's options, handlers, delete info and counters. */
export type { InformerOptions, InformerHandlers, InformerStats, DeleteInfo } from './informer.ts';
/** Store<T> with indexers; keyOf(obj) = "ns/name"; byNamespace / byLabel(label) indexers. */
export { Store, keyOf, byNamespace, byLabel } from './store.ts';
/** IndexFunc<T>: an indexer; ReplaceResult<T>: what a re-list changed. */
export type { IndexFunc, ReplaceResult } from './store.ts';
/** Backoff: capped, jittered exponential delays; sleep(ms, signal). */
export { Backoff, sleep } from './backoff.ts';
/** BackoffOptions: initial, cap, factor, jitter. */
export type { BackoffOptions } from './backoff.ts';
/** EventRecorder: events.k8s.io/v1 Events with repeats folded into a series; microTime(ms). */
export { EventRecorder, microTime } from './events.ts';
/** EventRecorderOptions / EventSpec: the recorder's options and one event. */
export type { EventRecorderOptions, EventSpec } from './events.ts';
/** LeaderElector: Lease-based leader election (15 s / 10 s / 2 s), release on stop. */
export { LeaderElector } from './leader-election.ts';
/** LeaderElectionOptions / ElectionOutcome ("lost" | "stopped"). */
export type { LeaderElectionOptions, ElectionOutcome } from './leader-election.ts';
/** readLines(stream, max): bounded line splitting; LineTooLongError. */
export { readLines, LineTooLongError } from './watch-lines.ts';
