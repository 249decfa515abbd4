// The agent's Prometheus metrics: CNI requests by command and outcome, CNI errors by code,
// requests in flight, and the agent's own requests to the API server.
import { Counter, Gauge, Histogram } from '../../lib/metrics/index.ts';
import type { Registry } from '../../lib/metrics/index.ts';

export interface CniMetrics {
  duration: Histogram<'command' | 'result'>;
  errors: Counter<'command' | 'code'>;
  inFlight: Gauge;
  apiRequests: Counter<'method' | 'resource'>;
}

/** Seconds: a delegate ADD takes milliseconds, a DHCP lease seconds. */
const BUCKETS = [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export function cniMetrics(registry: Registry): CniMetrics {
  return {
    duration: new Histogram({
      name: 'plexus_cni_request_duration_seconds',
      help: 'Time to answer a CNI request, by command and result (success or error).',
      labelNames: ['command', 'result'],
      buckets: BUCKETS,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'plexus_cni_errors_total',
      help: 'CNI requests answered with an error, by command and CNI error code.',
      labelNames: ['command', 'code'],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'plexus_cni_requests_in_flight',
      help: 'CNI requests being served.',
      registers: [registry],
    }),
    apiRequests: new Counter({
      name: 'plexus_agent_api_requests_total',
      help: 'Requests the agent made to the API server (watches excluded), by method and resource.',
      labelNames: ['method', 'resource'],
      registers: [registry],
    }),
  };
}
