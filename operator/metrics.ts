// The operator's own metrics beside controller-runtime's: subnet usage per
// network, and the requests it sends to the API server and to etcd.
import { Counter, Gauge } from '../lib/metrics/index.ts';
import type { Registry } from '../lib/metrics/index.ts';

export interface OperatorMetrics {
  subnetsAllocated: Gauge<'network'>;
  subnetsCapacity: Gauge<'network'>;
  kubeRequests: Counter<'verb'>;
  etcdRequests: Counter<'op'>;
}

export function operatorMetrics(registry: Registry): OperatorMetrics {
  const registers = [registry];
  return {
    subnetsAllocated: new Gauge({
      name: 'plexus_overlay_subnets_allocated',
      help: 'Subnets leased by Plexus in an OverlayNetwork',
      labelNames: ['network'],
      registers,
    }),
    subnetsCapacity: new Gauge({
      name: 'plexus_overlay_subnets_capacity',
      help: 'Subnets an OverlayNetwork can lease (SubnetMin to SubnetMax)',
      labelNames: ['network'],
      registers,
    }),
    kubeRequests: new Counter({
      name: 'plexus_operator_kube_requests_total',
      help: 'Requests sent to the Kubernetes API server, by verb (WATCH for watches)',
      labelNames: ['verb'],
      registers,
    }),
    etcdRequests: new Counter({
      name: 'plexus_operator_etcd_requests_total',
      help: 'Requests sent to etcd, by kind (txn, range, watch)',
      labelNames: ['op'],
      registers,
    }),
  };
}
