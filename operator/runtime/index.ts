// The controller runtime every Plexus controller runs on.
/** WorkQueue: dedup per key, one worker per key, delayed and rate-limited adds, workqueue_* metrics. */
export { WorkQueue } from './work-queue.ts';
/** The queue's options and what get() hands out. */
export type { WorkQueueOptions, QueueItem } from './work-queue.ts';
/** Rate limiters: per-item exponential (5 ms → 1000 s), token bucket (10 qps, burst 100), max of both. */
export {
  BucketRateLimiter,
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
} from './rate-limiter.ts';
/** RateLimiter: when / forget / numRequeues. */
export type { RateLimiter } from './rate-limiter.ts';
/** Controller: a queue and N workers running a reconciler; TerminalError: do not retry. */
export { Controller, TerminalError } from './controller.ts';
/** A reconciler, what it may return, and a controller's options. */
export type { ControllerOptions, ReconcileResult, Reconciler } from './controller.ts';
/** Manager: informers, probes and metrics on every replica; leader work only on the leader. */
export { Manager } from './manager.ts';
/** The manager's options, the leader-only work, leader election settings, and how a run ends. */
export type {
  LeaderElectionSettings,
  LeaderWork,
  ListenAddress,
  ManagerOptions,
  RunOutcome,
} from './manager.ts';
