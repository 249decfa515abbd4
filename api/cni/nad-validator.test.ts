import { describe, expect, it } from 'vitest';
import { nadValidator } from './nad-validator.ts';

const nad = (name: string, config?: unknown) => ({
  apiVersion: 'k8s.cni.cncf.io/v1',
  kind: 'NetworkAttachmentDefinition',
  metadata: { name, namespace: 'default' },
  ...(config === undefined ? {} : { spec: { config } }),
});
const overlayConfig = '{"cniVersion":"1.0.0","type":"plexus-overlay","network":"blue"}';

describe('nadValidator', () => {
  it('create: the name rules and the config, with the OverlayNetworks named as data', () => {
    const r = nadValidator().create(nad('blue-nad', overlayConfig));
    expect(r.findings).toEqual([]);
    expect(r.value?.name).toBe('blue-nad');
    expect(r.value?.config?.plugins[0]?.type).toBe('plexus-overlay');
    expect(r.overlayReferences).toEqual([{ network: 'blue', field: 'spec.config.network' }]);
  });
  it('create: checks OverlayNetworks against the names given', () => {
    const r = nadValidator({ overlayNetworks: new Set(['red']) }).create(
      nad('blue-nad', overlayConfig),
    );
    expect(r.findings.map((f) => f.field)).toEqual(['spec.config.network']);
    expect(r.value).toBeUndefined();
  });
  it('create: names that are not labels warn, bad names and configs are errors', () => {
    expect(nadValidator().create(nad('with.dots')).findings).toMatchObject([
      { field: 'metadata.name', severity: 'warning' },
    ]);
    expect(nadValidator().create(nad('Bad_Name')).findings).toMatchObject([
      { field: 'metadata.name', severity: 'error' },
    ]);
    expect(nadValidator().create(nad('n', { type: 'macvlan' })).findings[0]?.fix).toContain(
      'config: |',
    );
    expect(nadValidator().create(5).findings[0]?.message).toBe(
      'must be a NetworkAttachmentDefinition object (got a number)',
    );
  });
  it('update: the new object as on create, warning when the config changes', () => {
    const a = nad('n', '{"cniVersion":"1.0.0","type":"macvlan","master":"eth1","ipam":{}}');
    const b = nad('n', '{"cniVersion":"1.0.0","type":"macvlan","master":"eth2","ipam":{}}');
    expect(nadValidator().update(a, a).findings).toEqual([]);
    expect(nadValidator().update(a, b).findings).toMatchObject([
      { field: 'spec.config', severity: 'warning' },
    ]);
  });
});
