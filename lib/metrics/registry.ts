// A prom-client Registry per running part, with the process and Node.js default metrics.
import { registerProcessCpu } from './process-cpu.ts';
import { Registry, registerDefaultMetrics } from './prom.ts';

export interface RegistryOptions {
  /** Add process_* and nodejs_* metrics (CPU, RSS, open fds, event loop lag, GC); default true. */
  defaultMetrics?: boolean;
  /** Labels put on every metric of this registry (e.g. {component: "operator"}). */
  labels?: Record<string, string>;
}

export function createRegistry(opts: RegistryOptions = {}): Registry {
  const registry = new Registry();
  if (opts.labels) registry.setDefaultLabels(opts.labels);
  if (opts.defaultMetrics ?? true) {
    registerProcessCpu(registry);
    registerDefaultMetrics(registry);
  }
  return registry;
}
