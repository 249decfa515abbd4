import { describe, expect, it } from 'vitest';
import { parseDefaultNetwork } from './default-network.ts';

const F = 'metadata.annotations[v1.multus-cni.io/default-network]';

function parse(
  value: string,
  extra: { defaultNamespace?: string; clusterInterface?: string } = {},
) {
  return parseDefaultNetwork(value, { podNamespace: 'team-a', ...extra });
}

describe('parseDefaultNetwork', () => {
  it('reads one network in comma or JSON form', () => {
    expect(parse('calico')).toEqual({
      element: {
        name: 'calico',
        namespace: 'team-a',
        interface: 'eth0',
        interfaceRequested: false,
        index: 0,
      },
      findings: [],
    });
    const json = parse(
      '[{"name": "ovn", "namespace": "ovn-kubernetes", "mac": "02:00:00:00:00:05", "ipam-claim-reference": "vm-a"}]',
    );
    expect(json.findings).toEqual([]);
    expect(json.element).toMatchObject({
      name: 'ovn',
      namespace: 'ovn-kubernetes',
      mac: '02:00:00:00:00:05',
      interface: 'eth0',
    });
  });
  it('resolves a bare name in the given default namespace (Multus uses its own)', () => {
    expect(parse('calico', { defaultNamespace: 'kube-system' }).element?.namespace).toBe(
      'kube-system',
    );
    expect(parse('other/calico', { defaultNamespace: 'kube-system' }).element?.namespace).toBe(
      'other',
    );
  });
  it('rejects more than one network', () => {
    const r = parse('calico, flannel');
    expect(r.element).toBeUndefined();
    expect(r.findings).toEqual([
      {
        field: F,
        message: 'names more than one network; it replaces the cluster network with exactly one',
        fix: 'keep one here and list the others in k8s.v1.cni.cncf.io/networks',
        severity: 'error',
      },
    ]);
    expect(
      parse('[{"name": "a"}, 5]').findings.some((f) => f.field === F && f.severity === 'error'),
    ).toBe(true);
  });
  it('rejects an empty value and an empty list', () => {
    expect(parse('').findings.map((f) => [f.field, f.severity])).toEqual([[F, 'error']]);
    expect(parse('[]').findings.map((f) => f.message)).toEqual(['names no network']);
  });
  it('reports element problems without adding a count error', () => {
    const r = parse('[5]');
    expect(r.findings.map((f) => f.field)).toEqual([`${F}[0]`]);
    expect(parse('Calico').findings.map((f) => f.field)).toEqual([`${F}[0].name`]);
  });
  it('warns when the cluster interface would be renamed', () => {
    const r = parse('calico@eth1');
    expect(r.findings.map((f) => [f.severity, f.field])).toEqual([
      ['warning', `${F}[0].interface`],
    ]);
    expect(r.element).toMatchObject({ interface: 'eth1', interfaceRequested: true });
    expect(parse('calico@eth0').findings).toEqual([]);
    expect(parse('calico@pod0', { clusterInterface: 'pod0' }).findings).toEqual([]);
  });
  it('still checks the element against itself (host ports)', () => {
    const r = parse(
      '[{"name": "a", "portMappings": [{"containerPort": 1, "hostPort": 80}, {"containerPort": 2, "hostPort": 80}]}]',
    );
    expect(r.findings.map((f) => f.field)).toEqual([`${F}[0].portMappings[1].hostPort`]);
  });
});
