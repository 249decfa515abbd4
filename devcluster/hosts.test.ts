import { describe, expect, it } from 'vitest';
import { parseConfList } from './cni-exec.ts';
import { defaultNetworkConfList } from './hosts.ts';

describe('defaultNetworkConfList', () => {
  const conf = defaultNetworkConfList({
    podCidr: '10.244.3.0/24',
    podGateway: '10.244.3.1',
    stateDir: '/tmp/h3/state',
  });

  it('is a cniVersion 1.0.0 conflist the reference plugins (1.1.1) accept: bridge + host-local, then portmap', () => {
    const list = parseConfList(JSON.stringify(conf));
    expect(list.cniVersion).toBe('1.0.0');
    expect(list.plugins.map((p) => p.type)).toEqual(['bridge', 'portmap']);
  });

  it('allocates from the host’s pod CIDR and keeps IPAM state in the host’s own state dir', () => {
    const bridge = (conf.plugins as Record<string, unknown>[])[0] as {
      ipam: { type: string; dataDir: string; ranges: { subnet: string; gateway: string }[][] };
    };
    expect(bridge.ipam.type).toBe('host-local');
    expect(bridge.ipam.ranges).toEqual([[{ subnet: '10.244.3.0/24', gateway: '10.244.3.1' }]]);
    expect(bridge.ipam.dataDir).toBe('/tmp/h3/state/ipam');
  });
});
