// What the CNI commands work with: the delegate runner, the DEL cache and per-container lock,
// and, when the agent talks to an API server, the pod and NAD sources, the network-status
// publisher and the pod events.
import type { Logger } from '../../lib/log/index.ts';
import type { NetworkRunner } from '../delegate/network-runner.ts';
import type { NadSource } from '../kube/nad-source.ts';
import type { PodEvents } from '../kube/pod-events.ts';
import type { PodSource } from '../kube/pod-source.ts';
import type { PodStatusPublisher } from '../kube/pod-status-publisher.ts';
import type { DelCache } from './del-cache.ts';
import type { KeyedLock } from './keyed-lock.ts';

export interface KubeDeps {
  pods: PodSource;
  nads: NadSource;
  publisher: PodStatusPublisher;
  events: PodEvents;
}

export interface EngineDeps {
  runner: NetworkRunner;
  cache: DelCache;
  locks: KeyedLock;
  /** Absent when the agent runs without an API server (pods get the cluster network only). */
  kube?: KubeDeps;
  logger: Logger;
  /** Add the attachments (after the cluster network) concurrently instead of one by one. */
  concurrentAttachments: boolean;
  /** True when the agent serves ADDs; otherwise why not (STATUS answers 50 with it). */
  readiness: () => true | string;
}
