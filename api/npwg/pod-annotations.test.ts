import { describe, expect, it } from 'vitest';
import { checkPodNetworkAnnotations } from './pod-annotations.ts';

const N = 'metadata.annotations[k8s.v1.cni.cncf.io/networks]';
const D = 'metadata.annotations[v1.multus-cni.io/default-network]';

describe('checkPodNetworkAnnotations', () => {
  it('returns nothing for a pod without annotations', () => {
    const none = { findings: [], value: { attachments: [] }, references: [] };
    expect(checkPodNetworkAnnotations(undefined, 'ns')).toEqual(none);
    expect(checkPodNetworkAnnotations({ app: 'web' }, 'ns')).toEqual(none);
  });
  it('resolves attachments and the default network', () => {
    const r = checkPodNetworkAnnotations(
      {
        'k8s.v1.cni.cncf.io/networks': 'blue, infra/red@data0',
        'v1.multus-cni.io/default-network': 'calico',
      },
      'shop',
    );
    expect(r.findings).toEqual([]);
    expect(
      r.value?.attachments.map((a) => `${a.namespace}/${a.name}@${a.interface}#${a.index}`),
    ).toEqual(['shop/blue@net1#0', 'infra/red@data0#1']);
    expect(r.references).toEqual([
      { namespace: 'shop', name: 'calico', field: D, annotation: 'default-network' },
      { namespace: 'shop', name: 'blue', field: `${N}[0]`, annotation: 'networks' },
      { namespace: 'infra', name: 'red', field: `${N}[1]`, annotation: 'networks' },
    ]);
    expect(r.value?.defaultNetwork).toMatchObject({
      namespace: 'shop',
      name: 'calico',
      interface: 'eth0',
    });
  });
  it('passes the default-network namespace option through', () => {
    const r = checkPodNetworkAnnotations({ 'v1.multus-cni.io/default-network': 'calico' }, 'shop', {
      defaultNetworkNamespace: 'kube-system',
    });
    expect(r.value?.defaultNetwork?.namespace).toBe('kube-system');
  });
  it('rejects non-string values, e.g. an unquoted YAML list', () => {
    const r = checkPodNetworkAnnotations(
      {
        'k8s.v1.cni.cncf.io/networks': [{ name: 'blue' }],
        'v1.multus-cni.io/default-network': 7,
      } as unknown as Record<string, string>,
      'ns',
    );
    expect(r.findings.map((f) => [f.severity, f.field, f.message])).toEqual([
      ['error', D, 'must be a string (got a number)'],
      ['error', N, 'must be a string (got a list)'],
    ]);
    expect(r.value).toBeUndefined();
    expect(r.references).toEqual([]);
  });
  it('checks attachments against the default network', () => {
    const clash = checkPodNetworkAnnotations(
      {
        'k8s.v1.cni.cncf.io/networks': 'blue@eth1',
        'v1.multus-cni.io/default-network': 'calico@eth1',
      },
      'ns',
    );
    expect(clash.findings.filter((f) => f.severity === 'error').map((f) => f.field)).toEqual([
      `${N}[0].interface`,
    ]);
    // eth0 is free once the default network renamed its interface.
    expect(
      checkPodNetworkAnnotations(
        {
          'k8s.v1.cni.cncf.io/networks': 'blue@eth0',
          'v1.multus-cni.io/default-network': 'calico@eth1',
        },
        'ns',
      ).findings.filter((f) => f.severity === 'error'),
    ).toEqual([]);
    const routes = checkPodNetworkAnnotations(
      {
        'k8s.v1.cni.cncf.io/networks': '[{"name": "blue", "default-route": ["10.0.0.1"]}]',
        'v1.multus-cni.io/default-network': '[{"name": "calico", "default-route": ["10.9.0.1"]}]',
      },
      'ns',
    );
    expect(routes.findings.map((f) => f.field)).toEqual([`${N}[0].default-route`]);
  });
  it('uses the cluster interface and base path given', () => {
    const r = checkPodNetworkAnnotations({ 'k8s.v1.cni.cncf.io/networks': 'blue@pod0' }, 'ns', {
      basePath: 'spec.template.metadata.annotations',
      clusterInterface: 'pod0',
    });
    expect(r.findings.map((f) => f.field)).toEqual([
      'spec.template.metadata.annotations[k8s.v1.cni.cncf.io/networks][0].interface',
    ]);
  });
  it('warns about look-alike annotation keys that attach nothing', () => {
    const r = checkPodNetworkAnnotations(
      {
        'k8s.cni.cncf.io/networks': 'blue',
        'k8s.v1.cni.cncf.io/network': 'red',
        'v1.multus-cni.io/default-networks': 'x',
      },
      'ns',
    );
    expect(r.findings.map((f) => [f.severity, f.field, f.fix])).toEqual([
      [
        'warning',
        'metadata.annotations[k8s.cni.cncf.io/networks]',
        'did you mean "k8s.v1.cni.cncf.io/networks"?',
      ],
      [
        'warning',
        'metadata.annotations[k8s.v1.cni.cncf.io/network]',
        'did you mean "k8s.v1.cni.cncf.io/networks"?',
      ],
      [
        'warning',
        'metadata.annotations[v1.multus-cni.io/default-networks]',
        'did you mean "v1.multus-cni.io/default-network"?',
      ],
    ]);
    const fine = checkPodNetworkAnnotations(
      {
        'k8s.v1.cni.cncf.io/network-status': '[]',
        'k8s.v1.cni.cncf.io/networks-status': '[]',
        'k8s.v1.cni.cncf.io/resourceName': 'x',
      },
      'ns',
    );
    expect(fine.findings).toEqual([]);
  });
});
