// The meta plugin config: what the operator renders, the agent completes and
// reads back, and what a hand-edited one gets told.
import { describe, expect, it } from 'vitest';
import {
  checkMetaConfig,
  defaultMetaOptions,
  renderMetaConfig,
  PLEXUS_NETWORK_NAME,
} from './meta-plugin.ts';

describe('meta plugin config', () => {
  it('round-trips what renderMetaConfig writes, node-local parts included', () => {
    const config = {
      ...defaultMetaOptions(),
      namespaceIsolation: true,
      globalNamespaces: ['default', 'infra'],
      defaultNetworkNamespace: 'kube-system',
      socketPath: '/run/plexus/agent.sock',
      capabilities: { portMappings: true },
      clusterNetwork: { cniVersion: '1.0.0', name: 'default', plugins: [{ type: 'bridge' }] },
    };
    const text = renderMetaConfig(config);
    const doc = JSON.parse(text) as { name: string; cniVersions: string[]; plugins: unknown[] };
    expect(doc.name).toBe(PLEXUS_NETWORK_NAME);
    expect(doc.cniVersions).toEqual(['1.0.0', '1.1.0']);
    expect(doc.plugins).toHaveLength(1);
    const back = checkMetaConfig(text);
    expect(back.findings).toEqual([]);
    expect(back.value).toEqual(config);
    // Equal configs render to equal bytes, so the agent can skip a rewrite.
    expect(renderMetaConfig({ ...config })).toBe(text);
  });

  it('defaults isolation off and the global namespaces to default, as Multus', () => {
    const r = checkMetaConfig('{"type": "plexus"}');
    expect(r.value).toEqual({ namespaceIsolation: false, globalNamespaces: ['default'] });
  });

  it('names the field and the fix for a bad config', () => {
    const bad = checkMetaConfig(
      '{"plugins": [{"type": "multus", "namespaceIsolation": "yes", "globalNamespaces": ["Bad_NS"], "socketPath": "rel"}]}',
      'spec.cniConfig',
    );
    expect(bad.value).toBeUndefined();
    expect(bad.findings.map((f) => f.field)).toEqual([
      'spec.cniConfig.plugins[0].type',
      'spec.cniConfig.plugins[0].namespaceIsolation',
      'spec.cniConfig.plugins[0].globalNamespaces[0]',
      'spec.cniConfig.plugins[0].socketPath',
    ]);
    const two = checkMetaConfig('{"plugins": [{"type": "plexus"}, {"type": "tuning"}]}');
    expect(two.findings[0]?.fix).toMatch(/exactly one plugin/);
    const json = checkMetaConfig('{"type": "plexus",}');
    expect(json.findings[0]?.message).toMatch(/line 1, column/);
  });
});
