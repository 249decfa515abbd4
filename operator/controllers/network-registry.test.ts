import { describe, expect, it } from 'vitest';
import { overlayNetworkValidator } from '../../api/overlay/index.ts';
import type { ResolvedOverlay } from '../../api/overlay/index.ts';
import { NetworkRegistry, membership } from './network-registry.ts';

function resolved(nodeSelector?: unknown): ResolvedOverlay {
  const r = overlayNetworkValidator.create({
    apiVersion: 'plexus.dev/v1alpha1',
    kind: 'OverlayNetwork',
    metadata: { name: 'blue' },
    spec: {
      network: '10.5.0.0/16',
      backend: { vni: 2 },
      ...(nodeSelector ? { nodeSelector } : {}),
    },
  });
  if (r.value === undefined) throw new Error(JSON.stringify(r.findings));
  return r.value;
}

describe('membership', () => {
  it('joins selected nodes, leaves the others, and keeps members while the config is not in place', () => {
    const reg = new NetworkRegistry();
    const s = reg.ensure('blue');
    expect(reg.ensure('blue')).toBe(s);
    s.resolved = resolved({ matchLabels: { zone: 'a' } });
    s.configured = true;
    expect(membership(s, { zone: 'a' })).toBe('join');
    expect(membership(s, { zone: 'b' })).toBe('leave');
    s.configured = false;
    expect(membership(s, { zone: 'b' })).toBe('hold');
    s.deleting = true;
    expect(membership(s, { zone: 'a' })).toBe('leave');
    expect(reg.loaded()).toEqual([]);
    reg.delete('blue');
    expect(reg.all()).toEqual([]);
  });
});
