import { describe, expect, it } from 'vitest';
import { checkNadReferences } from './nad-references.ts';
import type { NadReference } from './pod-annotations.ts';
import { podNetworkValidator } from './pod-validator.ts';

const N = 'k8s.v1.cni.cncf.io/networks';
const D = 'v1.multus-cni.io/default-network';
const pod = (annotations: Record<string, unknown>, namespace = 'shop') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace, annotations },
});

describe('podNetworkValidator', () => {
  const v = podNetworkValidator();
  it('create: the annotations of a Pod, with the NADs they name as data', () => {
    const r = v.create(pod({ [N]: 'blue, infra/red@data0', [D]: 'calico' }));
    expect(r.findings).toEqual([]);
    expect(r.value?.attachments.map((a) => a.interface)).toEqual(['net1', 'data0']);
    expect(r.references.map((x) => `${x.annotation}:${x.namespace}/${x.name}@${x.field}`)).toEqual([
      `default-network:shop/calico@metadata.annotations[${D}]`,
      `networks:shop/blue@metadata.annotations[${N}][0]`,
      `networks:infra/red@metadata.annotations[${N}][1]`,
    ]);
  });
  it('create: a workload pod template, at its own path, in the default namespace given', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { metadata: { annotations: { [N]: 'Bad', other: 5 } } } },
    };
    const r = podNetworkValidator({ defaultNamespace: 'team-a' }).create(deployment);
    expect(r.findings.map((f) => f.field)).toEqual([
      `spec.template.metadata.annotations[${N}][0].name`,
      'spec.template.metadata.annotations.other',
    ]);
    expect(r.value).toBeUndefined();
    expect(v.create({ ...deployment, metadata: { name: 'd', namespace: 'x' } }).references).toEqual(
      [],
    );
  });
  it('update: checks the new pod, and warns when a running pod changes its networks', () => {
    const before = pod({ [N]: 'blue' });
    expect(v.update(before, before).findings).toEqual([]);
    const r = v.update(before, pod({ [N]: 'blue, red' }));
    expect(r.findings).toMatchObject([
      { field: `metadata.annotations[${N}]`, severity: 'warning' },
    ]);
    expect(r.value?.attachments).toHaveLength(2);
    // A workload template may change: its pods are re-created.
    const t = (a: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { metadata: { annotations: { [N]: a } } } },
    });
    expect(v.update(t('blue'), t('red')).findings).toEqual([]);
  });
});

describe('checkNadReferences', () => {
  const ref = (
    namespace: string,
    name: string,
    annotation: NadReference['annotation'] = 'networks',
  ) => ({
    namespace,
    name,
    field: `f.${name}`,
    annotation,
  });
  it('reports NADs that do not exist, the default network with its own words', () => {
    const f = checkNadReferences(
      [
        { reference: ref('shop', 'blue'), exists: true },
        { reference: ref('shop', 'red'), exists: false },
        { reference: ref('kube-system', 'calico', 'default-network'), exists: false },
      ],
      { podNamespace: 'shop' },
    );
    expect(f.map((x) => [x.field, x.severity])).toEqual([
      ['f.red', 'error'],
      ['f.calico', 'error'],
    ]);
    expect(f[0]?.message).toBe(
      'NetworkAttachmentDefinition "shop/red" does not exist, so the pod cannot start',
    );
    expect(f[1]?.message).toMatch(/^the default network NetworkAttachmentDefinition/);
  });
  it('leaves namespace isolation off by default, as Multus', () => {
    expect(
      checkNadReferences([{ reference: ref('other', 'blue'), exists: true }], {
        podNamespace: 'shop',
      }),
    ).toEqual([]);
  });
  it('with isolation: only the pod namespace and the global namespaces (default: "default")', () => {
    const lookups = [
      { reference: ref('other', 'a'), exists: true },
      { reference: ref('default', 'b'), exists: true },
      { reference: ref('shop', 'c'), exists: true },
      { reference: ref('kube-system', 'calico', 'default-network'), exists: true },
    ];
    const f = checkNadReferences(lookups, { podNamespace: 'shop', namespaceIsolation: true });
    expect(f.map((x) => x.field)).toEqual(['f.a']);
    expect(f[0]?.fix).toMatch(/globalNamespaces/);
    const g = checkNadReferences(lookups, {
      podNamespace: 'shop',
      namespaceIsolation: true,
      globalNamespaces: ['other'],
    });
    expect(g.map((x) => x.field)).toEqual(['f.b']);
  });
});
