// The uint16 VNI warning on networks that share a prefix with flanneld.
import { describe, expect, it } from 'vitest';
import { checkOverlayNetworkSpec } from './overlay-spec.ts';

describe('VNI above 65535 on a shared etcd prefix', () => {
  const spec = (vni: number, etcdPrefix?: string): unknown => ({
    network: '10.5.0.0/16',
    backend: { vni },
    ...(etcdPrefix === undefined ? {} : { etcdPrefix }),
  });
  it('warns only when spec.etcdPrefix says the prefix is shared', () => {
    const shared = checkOverlayNetworkSpec(spec(70000, '/k8s/network2'));
    expect(shared.value).toBeDefined();
    expect(shared.findings).toMatchObject([{ severity: 'warning', field: 'spec.backend.vni' }]);
    expect(checkOverlayNetworkSpec(spec(70000)).findings).toEqual([]);
    expect(checkOverlayNetworkSpec(spec(65535, '/k8s/network2')).findings).toEqual([]);
  });
});
