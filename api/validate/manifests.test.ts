import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  validateManifests as validateSet,
  type ManifestDocument,
  type ValidateOptions,
} from './manifests.ts';

/** The object reports of a set. */
const validateManifests = (docs: ManifestDocument[], opts?: ValidateOptions) =>
  validateSet(docs, opts).objects;

const doc = (value: unknown, document = 1): ManifestDocument => ({
  file: 'm.yaml',
  document,
  value,
});

const nad = (name: string, namespace = 'default', config?: string) => ({
  apiVersion: 'k8s.cni.cncf.io/v1',
  kind: 'NetworkAttachmentDefinition',
  metadata: { name, namespace },
  ...(config === undefined ? {} : { spec: { config } }),
});
const pod = (annotations: Record<string, unknown>, namespace?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', ...(namespace === undefined ? {} : { namespace }), annotations },
  spec: { containers: [] },
});
const overlay = (
  name: string,
  network: string,
  vni: number,
  extra: Record<string, unknown> = {},
) => ({
  apiVersion: 'plexus.dev/v1alpha1',
  kind: 'OverlayNetwork',
  metadata: { name },
  spec: { network, backend: { type: 'vxlan', vni }, ...extra },
});

describe('validateManifests', () => {
  it('accepts a consistent set', () => {
    const reports = validateManifests([
      doc(
        nad(
          'macvlan-conf',
          'default',
          '{"cniVersion":"1.0.0","type":"macvlan","master":"eth1","ipam":{"type":"dhcp"}}',
        ),
      ),
      doc(pod({ 'k8s.v1.cni.cncf.io/networks': 'macvlan-conf@data0' })),
    ]);
    expect(reports.flatMap((r) => [...r.errors, ...r.warnings])).toEqual([]);
    expect(reports.map((r) => `${r.kind}/${r.namespace}/${r.name}`)).toEqual([
      'NetworkAttachmentDefinition/default/macvlan-conf',
      'Pod/default/p',
    ]);
  });

  it('uses the default namespace for objects without one, and the given one otherwise', () => {
    const reports = validateManifests([doc(pod({ 'k8s.v1.cni.cncf.io/networks': 'x' }))], {
      defaultNamespace: 'team-a',
    });
    expect(reports[0]?.namespace).toBe('team-a');
    expect(reports[0]?.warnings[0]?.message).toContain('team-a/x');
  });

  it('checks the pod template of each workload kind at its own path', () => {
    const template = {
      metadata: { annotations: { 'k8s.v1.cni.cncf.io/networks': 'Bad' } },
      spec: {},
    };
    const kinds: [string, string, unknown, string][] = [
      ['apps/v1', 'Deployment', { template }, 'spec.template.metadata'],
      ['apps/v1', 'StatefulSet', { template }, 'spec.template.metadata'],
      ['apps/v1', 'DaemonSet', { template }, 'spec.template.metadata'],
      ['apps/v1', 'ReplicaSet', { template }, 'spec.template.metadata'],
      ['batch/v1', 'Job', { template }, 'spec.template.metadata'],
      [
        'batch/v1',
        'CronJob',
        { jobTemplate: { spec: { template } } },
        'spec.jobTemplate.spec.template.metadata',
      ],
    ];
    for (const [apiVersion, kind, spec, path] of kinds) {
      const [r] = validateManifests([doc({ apiVersion, kind, metadata: { name: 'w' }, spec })]);
      expect(r?.errors[0]?.field, kind).toBe(
        `${path}.annotations[k8s.v1.cni.cncf.io/networks][0].name`,
      );
    }
  });

  it('skips unknown kinds and foreign groups silently', () => {
    expect(
      validateManifests([
        doc({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }),
        doc({ apiVersion: 'example.com/v1', kind: 'OverlayNetwork', metadata: { name: 'o' } }),
      ]),
    ).toEqual([]);
  });

  it('expands List objects', () => {
    const reports = validateManifests([
      doc({ apiVersion: 'v1', kind: 'List', items: [nad('a'), nad('b')] }),
    ]);
    expect(reports.map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('reports a malformed document as an error of that document', () => {
    const reports = validateManifests([
      { file: 'x.yaml', document: 2, parseError: 'line 1, column 5: bad indentation' },
    ]);
    expect(reports[0]?.errors[0]?.message).toContain('bad indentation');
    expect(reports[0]?.document).toBe(2);
  });

  it('flags a NAD name no annotation can select', () => {
    const [r] = validateManifests([doc(nad('with.dots'))]);
    expect(r?.warnings[0]?.field).toBe('metadata.name');
  });

  it('reports a non-string NAD config with the YAML fix', () => {
    const [r] = validateManifests([doc({ ...nad('n'), spec: { config: { type: 'macvlan' } } })]);
    expect(r?.errors[0]?.field).toBe('spec.config');
    expect(r?.errors[0]?.fix).toContain('config: |');
  });

  it('checks plexus-overlay NADs against OverlayNetworks in the set', () => {
    const overlayNad = nad(
      'blue-nad',
      'default',
      '{"cniVersion":"1.0.0","type":"plexus-overlay","network":"blue"}',
    );
    const without = validateManifests([doc(overlayNad)], { strictRefs: true });
    expect(without[0]?.errors[0]?.field).toBe('spec.config.network');
    const withIt = validateManifests([doc(overlayNad), doc(overlay('blue', '173.17.0.0/16', 2))], {
      strictRefs: true,
    });
    expect(withIt.flatMap((r) => r.errors)).toEqual([]);
  });

  it('resolves NADs generated by an OverlayNetwork namespaceSelector in any namespace', () => {
    const reports = validateManifests(
      [
        doc(
          overlay('blue', '173.17.0.0/16', 2, {
            attachment: { namespaceSelector: { matchLabels: { team: 'a' } } },
          }),
        ),
        doc(pod({ 'k8s.v1.cni.cncf.io/networks': 'blue' }, 'anything')),
      ],
      { strictRefs: true },
    );
    expect(reports.flatMap((r) => r.errors)).toEqual([]);
  });

  it('attributes overlaps and VNI clashes to the objects involved, naming the other', () => {
    const reports = validateManifests([
      doc(overlay('red', '10.5.0.0/16', 9)),
      doc(overlay('orange', '10.5.128.0/17', 9)),
      doc(overlay('fine', '10.9.0.0/16', 10)),
    ]);
    const byName = new Map(reports.map((r) => [r.name, r]));
    expect(byName.get('fine')?.errors).toEqual([]);
    const clash = [...(byName.get('red')?.errors ?? []), ...(byName.get('orange')?.errors ?? [])];
    expect(clash.some((f) => f.field === 'spec.network' && f.message.includes('"red"'))).toBe(true);
    expect(clash.some((f) => f.field === 'spec.backend.vni')).toBe(true);
  });

  it('checks OverlayNetworks against cluster and service CIDRs', () => {
    const [r] = validateManifests([doc(overlay('svc', '10.96.0.0/16', 3))], {
      serviceCidrs: ['10.96.0.0/12'],
    });
    expect(r?.errors.some((f) => f.field === 'spec.network')).toBe(true);
  });

  it('never throws on arbitrary documents and always returns reports', () => {
    const kinds = fc.constantFrom(
      'Pod',
      'Deployment',
      'CronJob',
      'NetworkAttachmentDefinition',
      'OverlayNetwork',
      'List',
      'Job',
    );
    const versions = fc.constantFrom(
      'v1',
      'apps/v1',
      'batch/v1',
      'k8s.cni.cncf.io/v1',
      'plexus.dev/v1alpha1',
    );
    const obj = fc.record(
      {
        apiVersion: versions,
        kind: kinds,
        metadata: fc.anything(),
        spec: fc.anything(),
        items: fc.anything(),
      },
      { requiredKeys: ['apiVersion', 'kind'] },
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(obj, fc.anything()), { maxLength: 6 }),
        fc.boolean(),
        (values, strictRefs) => {
          const reports = validateManifests(
            values.map((v, i) => doc(v, i + 1)),
            { strictRefs },
          );
          expect(Array.isArray(reports)).toBe(true);
          for (const r of reports) {
            expect(Array.isArray(r.errors)).toBe(true);
            expect(Array.isArray(r.warnings)).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('validateManifests reports each problem once', () => {
  it('does not repeat OverlayNetwork metadata findings', () => {
    const [bad] = validateManifests([doc(overlay('Bad_x', '10.9.0.0/16', 5))]);
    expect(bad?.errors.filter((f) => f.field === 'metadata.name')).toHaveLength(1);
    const [unnamed] = validateManifests([
      doc({
        apiVersion: 'plexus.dev/v1alpha1',
        kind: 'OverlayNetwork',
        spec: { network: '10.8.0.0/16', backend: { type: 'vxlan', vni: 6 } },
      }),
    ]);
    expect(unnamed?.errors.filter((f) => f.field.startsWith('metadata'))).toHaveLength(1);
  });
});
