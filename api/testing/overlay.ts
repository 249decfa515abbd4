// Builders for OverlayNetwork objects in tests, raw and resolved.
import { checkOverlayNetwork } from '../overlay/overlay-object.ts';
import type { ResolvedOverlay } from '../overlay/resolved.ts';
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

/** The resolved value of an object that must be valid; throws with its findings otherwise. */
export function resolved(on: unknown): ResolvedOverlay {
  const r = checkOverlayNetwork(on);
  if (r.value === undefined)
    throw new Error(`not a valid OverlayNetwork: ${JSON.stringify(r.findings)}`);
  return r.value;
}
