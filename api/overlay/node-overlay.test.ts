import { describe, expect, it } from 'vitest';
import {
  nodeNetworkConfigDigest,
  nodeNetworkConfigSpec,
  sameNodeNetworkConfigSpec,
} from './node-overlay.ts';
import type { JoinedOverlay } from './node-overlay.ts';

function joined(name: string, mtu?: number): JoinedOverlay {
  return {
    name,
    etcdPrefix: `/plexus.dev/networks/${name}`,
    config: {
      network: '10.5.0.0/16',
      subnetLen: 24,
      subnetMin: '10.5.1.0',
      subnetMax: '10.5.255.0',
      capacity: 255,
      backend: { type: 'vxlan', vni: 2, port: 8472, directRouting: false },
      ...(mtu === undefined ? {} : { mtu }),
      ipMasq: true,
    },
    lease: { subnet: '10.5.3.0/24', vtepMac: '0e:00:00:00:00:01', publicIp: '192.168.64.11' },
  };
}

describe('nodeNetworkConfigSpec', () => {
  it('sorts entries by name and leaves mtu out when the network sets none', () => {
    const spec = nodeNetworkConfigSpec('{}', [joined('green', 1400), joined('blue')]);
    expect(spec.overlays?.map((o) => o.name)).toEqual(['blue', 'green']);
    expect(spec.overlays?.[0]).not.toHaveProperty('mtu');
    expect(spec.overlays?.[1]).toMatchObject({
      mtu: 1400,
      vni: 2,
      port: 8472,
      network: '10.5.0.0/16',
      subnet: '10.5.3.0/24',
      vtepMAC: '0e:00:00:00:00:01',
      publicIP: '192.168.64.11',
      etcdPrefix: '/plexus.dev/networks/green',
      ipMasq: true,
      directRouting: false,
    });
  });
  it('compares specs by content, as the API server returns them', () => {
    const a = nodeNetworkConfigSpec('{}', [joined('blue')]);
    const stored = JSON.parse(JSON.stringify(a)) as typeof a;
    expect(sameNodeNetworkConfigSpec(stored, a)).toBe(true);
    expect(sameNodeNetworkConfigSpec(undefined, a)).toBe(false);
    expect(sameNodeNetworkConfigSpec({ ...stored, cniConfig: 'x' }, a)).toBe(false);
    const moved = nodeNetworkConfigSpec('{}', [
      { ...joined('blue'), lease: { ...joined('blue').lease, publicIp: '1.1.1.1' } },
    ]);
    expect(sameNodeNetworkConfigSpec(stored, moved)).toBe(false);
    expect(sameNodeNetworkConfigSpec({ cniConfig: '{}' }, nodeNetworkConfigSpec('{}', []))).toBe(
      true,
    );
  });

  it('digests equal specs equally, whatever the order and defaults, and different ones differently', () => {
    const a = nodeNetworkConfigSpec('{}', [joined('green', 1400), joined('blue')]);
    const served = JSON.parse(JSON.stringify(a)) as typeof a;
    served.overlays?.reverse();
    delete (served.overlays?.[0] as { directRouting?: boolean }).directRouting;
    expect(nodeNetworkConfigDigest(served)).toBe(nodeNetworkConfigDigest(a));
    const b = nodeNetworkConfigSpec('{}', [joined('green', 1450), joined('blue')]);
    expect(nodeNetworkConfigDigest(b)).not.toBe(nodeNetworkConfigDigest(a));
    expect(nodeNetworkConfigDigest({ ...a, cniConfig: '{ }' })).not.toBe(
      nodeNetworkConfigDigest(a),
    );
  });
});
