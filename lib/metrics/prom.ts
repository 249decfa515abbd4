// prom-client's classes, each loaded from its own file. prom-client's index also loads the push
// gateway (zlib), the cluster aggregator and, through its process-CPU metric, OpenTelemetry's API
// (51 modules): about 13 MB of RSS in every running part, for nothing any of them uses. The
// types still come from prom-client's own declarations.
import { createRequire } from 'node:module';
import type * as Prom from 'prom-client';

const require = createRequire(import.meta.url);

export const Registry = require('prom-client/lib/registry') as typeof Prom.Registry;
export type Registry = Prom.Registry;
export const Counter = require('prom-client/lib/counter') as typeof Prom.Counter;
export type Counter<T extends string = string> = Prom.Counter<T>;
export const Gauge = require('prom-client/lib/gauge') as typeof Prom.Gauge;
export type Gauge<T extends string = string> = Prom.Gauge<T>;
export const Histogram = require('prom-client/lib/histogram') as typeof Prom.Histogram;
export type Histogram<T extends string = string> = Prom.Histogram<T>;
export const { exponentialBuckets } = require('prom-client/lib/bucketGenerators') as Pick<
  typeof Prom,
  'exponentialBuckets'
>;

/** prom-client's default metrics, one module each, but its process CPU metric (see above). */
const DEFAULT_METRICS = [
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'eventLoopLag',
  'processHandles',
  'processRequests',
  'processResources',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version',
  'gc',
] as const;

type DefaultMetric = (registry: Registry, config: Record<string, never>) => void;

/** Registers prom-client's default process_* and nodejs_* metrics on `registry`, as
 * collectDefaultMetrics does, except process_cpu_* (registerProcessCpu has them). */
export function registerDefaultMetrics(registry: Registry): void {
  for (const name of DEFAULT_METRICS)
    (require(`prom-client/lib/metrics/${name}`) as DefaultMetric)(registry, {});
}
