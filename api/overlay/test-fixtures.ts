// Builders for OverlayNetwork objects in tests.
import type { OverlayNetwork, OverlayNetworkSpec } from '../resources/overlay-network.ts';

export function overlay(
  name: string,
  spec: Partial<OverlayNetworkSpec> = {},
  status?: OverlayNetwork['status'],
): OverlayNetwork {
  return {
    apiVersion: 'plexus.dev/v1alpha1',
    kind: 'OverlayNetwork',
    metadata: { name },
    spec: { network: '173.17.0.0/16', backend: { vni: 2 }, ...spec },
    ...(status === undefined ? {} : { status }),
  };
}
