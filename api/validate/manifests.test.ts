import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNetworkSelection } from '../npwg/network-selection.ts';
import { MAX_ANNOTATION_FINDINGS } from '../npwg/types.ts';
import { LEFT_OUT_FIELD, MAX_FINDINGS_PER_OBJECT, MAX_FINDINGS_TOTAL } from './caps.ts';
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

describe('validateManifests: identity by position (issue 6 reproductions)', () => {
  it('two OverlayNetworks named blue and a green: each finding on its own document', () => {
    const set = validateSet([
      doc(overlay('blue', '10.5.0.0/24', 2), 1),
      doc(overlay('blue', '10.9.0.0/16', 3), 2),
      doc(overlay('green', '10.5.0.0/16', 4), 3),
    ]);
    const [first, second, green] = set.objects;
    expect(first?.errors.map((f) => [f.field, f.message])).toEqual([
      ['spec.network', '10.5.0.0/24 overlaps OverlayNetwork "green" (10.5.0.0/16)'],
    ]);
    expect(second?.errors.map((f) => f.field)).toEqual(['metadata.name', 'spec.etcdPrefix']);
    expect(second?.errors.some((f) => f.field === 'spec.network')).toBe(false);
    expect(green?.errors).toEqual([]);
  });
  it('an OverlayNetwork with only generateName gets its own findings; option findings go to none', () => {
    const unnamed = {
      apiVersion: 'plexus.dev/v1alpha1',
      kind: 'OverlayNetwork',
      metadata: { generateName: 'tmp-' },
      spec: { network: '10.5.0.0/24', backend: { type: 'vxlan', vni: 2 } },
    };
    const set = validateSet(
      [
        doc(overlay('blue', '10.5.0.0/16', 2), 1),
        doc(unnamed, 2),
        doc(overlay('red', '10.7.0.0/16', 5), 3),
      ],
      { clusterCidrs: ['garbage'] },
    );
    const [blue, tmp, red] = set.objects;
    expect(blue?.errors).toEqual([]);
    expect(red?.errors).toEqual([]);
    expect(tmp?.errors.map((f) => [f.field, f.message])).toEqual([
      ['spec.network', '10.5.0.0/24 overlaps OverlayNetwork "blue" (10.5.0.0/16)'],
      ['spec.backend.vni', 'VNI 2 is already used by OverlayNetwork "blue"'],
    ]);
    expect(set.findings.map((f) => [f.field, f.severity])).toEqual([
      ['options.clusterCidrs[0]', 'error'],
    ]);
  });
});

describe('validateManifests: kinds and metadata kubectl would refuse', () => {
  it('reports a missing or non-string kind or apiVersion, and still skips unknown kinds', () => {
    const [noKind, badVersion, inList] = validateManifests([
      doc({ apiVersion: 'v1', metadata: { name: 'x' } }, 1),
      doc({ apiVersion: 7, kind: 'Pod', metadata: { name: 'y' } }, 2),
      doc({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'ConfigMap' }] }, 3),
      doc({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, 4),
    ]);
    expect(noKind?.errors.map((f) => [f.field, f.message])).toEqual([
      ['kind', 'is required: kubectl cannot tell what object this is'],
    ]);
    expect(badVersion?.kind).toBe('Pod');
    expect(badVersion?.errors.map((f) => [f.field, f.message])).toEqual([
      ['apiVersion', 'must be a string (got a number)'],
    ]);
    expect(inList?.errors.map((f) => f.field)).toEqual(['items[0].apiVersion']);
  });
  it('reports non-string annotation values on every validated object and pod template', () => {
    const [p, d, n] = validateManifests([
      doc(pod({ replicas: 3, 'k8s.v1.cni.cncf.io/networks': 'x' })),
      doc({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'w', annotations: { a: true } },
        spec: { template: { metadata: { annotations: { b: { c: 1 } } } } },
      }),
      doc({ ...nad('n'), metadata: { name: 'n', annotations: { note: null } } }),
    ]);
    expect(p?.errors.map((f) => [f.field, f.message])).toEqual([
      ['metadata.annotations.replicas', 'must be a string (got a number)'],
    ]);
    expect(d?.errors.map((f) => f.field)).toEqual([
      'metadata.annotations.a',
      'spec.template.metadata.annotations.b',
    ]);
    expect(n?.errors.map((f) => f.field)).toEqual(['metadata.annotations.note']);
  });
});

describe('validateManifests: references to what the set does not hold', () => {
  it('gives one warning per missing NAD, on the first object, counting the others', () => {
    const reports = validateManifests([
      doc(pod({ 'k8s.v1.cni.cncf.io/networks': 'a, b' })),
      doc(pod({ 'k8s.v1.cni.cncf.io/networks': 'a' })),
      doc(pod({ 'k8s.v1.cni.cncf.io/networks': 'a' })),
    ]);
    expect(reports.map((r) => r.warnings.map((f) => f.message))).toEqual([
      [
        'NetworkAttachmentDefinition default/a is not among the validated manifests (2 more object(s) name it too)',
        'NetworkAttachmentDefinition default/b is not among the validated manifests',
      ],
      [],
      [],
    ]);
  });
});

describe('validateManifests under hostile input', () => {
  it('caps the findings of one pod whose annotation names 40,000 networks', () => {
    const names = Array.from({ length: 40_000 }, (_, i) => `n${i.toString(36)}`).join(',');
    const set = validateSet([doc(pod({ 'k8s.v1.cni.cncf.io/networks': names }))]);
    const [r] = set.objects;
    const listed = (r?.errors.length ?? 0) + (r?.warnings.length ?? 0);
    expect(listed).toBeLessThanOrEqual(MAX_FINDINGS_PER_OBJECT + 1);
    const more = r?.warnings.find((f) => f.field === LEFT_OUT_FIELD);
    expect(more?.message).toMatch(/^39900 more finding\(s\) \(0 error\(s\)\) are not listed/);
  });
  it('caps the findings of the annotation parser itself', () => {
    const items = Array.from({ length: 20_000 }, () => 'Bad_Name').join(',');
    const r = parseNetworkSelection(items, { podNamespace: 'ns' });
    expect(r.findings.length).toBeLessThanOrEqual(MAX_ANNOTATION_FINDINGS + 1);
    expect(r.findings.at(-1)?.message).toMatch(/^19900 more finding\(s\) \(19900 error\(s\)\)/);
    expect(r.findings.at(-1)?.severity).toBe('error');
  });
  it('caps the findings of the whole set, keeping errors first, and says how many were left out', () => {
    const docs = Array.from({ length: 100 }, (_, i) =>
      doc(
        pod(
          {
            'k8s.v1.cni.cncf.io/networks': Array.from({ length: 60 }, (_, j) => `m${i}x${j}`).join(
              ',',
            ),
          },
          `ns${i}`,
        ),
        i + 1,
      ),
    );
    docs.push(doc(nad('Bad_Name'), 101));
    const set = validateSet(docs);
    const listed = set.objects.reduce((n, r) => n + r.errors.length + r.warnings.length, 0);
    expect(listed).toBeLessThanOrEqual(MAX_FINDINGS_TOTAL + set.objects.length);
    const summary = set.findings.find((f) => f.field === LEFT_OUT_FIELD);
    expect(summary?.message).toMatch(
      /more finding\(s\) \(1 error\(s\)\) are not listed.*for the whole set/,
    );
    expect(summary?.severity).toBe('error');
  });
});

describe('validateManifests with hundreds of thousands of findings in one object', () => {
  it('neither throws nor lists them all: a NAD config and an OverlayNetwork selector', () => {
    const trunks = JSON.stringify({
      cniVersion: '1.0.0',
      type: 'bridge',
      vlanTrunk: Array.from({ length: 200_000 }, () => 0),
    });
    const labels = Object.fromEntries(
      Array.from({ length: 200_000 }, (_, i) => [`k${i}`, 'not ok']),
    );
    const set = validateSet([
      doc(nad('n', 'default', trunks), 1),
      doc(overlay('o', '10.5.0.0/16', 2, { nodeSelector: { matchLabels: labels } }), 2),
    ]);
    const [n, o] = set.objects;
    expect(n?.errors.length).toBeLessThanOrEqual(MAX_FINDINGS_PER_OBJECT + 1);
    expect(n?.errors.at(-1)?.message).toMatch(/more finding\(s\) .* are not listed/);
    expect(o?.errors.length).toBeLessThanOrEqual(MAX_FINDINGS_PER_OBJECT + 1);
    expect(o?.errors.at(-1)?.field).toBe(LEFT_OUT_FIELD);
  });
});
