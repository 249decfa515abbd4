import { describe, expect, it } from 'vitest';
import type { Finding } from '../common/findings.ts';
import { checkOverlayNetwork as checkObject } from './overlay-object.ts';
import { checkOverlayNetworkSpec as checkSpec } from './overlay-spec.ts';

const checkOverlayNetwork = (on: unknown): Finding[] => checkObject(on).findings;
const checkOverlayNetworkSpec = (spec: unknown, base?: string): Finding[] =>
  checkSpec(spec, base).findings;
const errorsOf = (findings: Finding[]): Finding[] => findings.filter((f) => f.severity === 'error');
import { overlay } from '../testing/overlay.ts';

const at = (findings: Finding[], field: string): Finding | undefined =>
  findings.find((f) => f.field === field);
const specErrors = (spec: Record<string, unknown>): Finding[] =>
  errorsOf(checkOverlayNetwork({ ...overlay('blue'), spec: { ...overlay('blue').spec, ...spec } }));

describe('checkOverlayNetwork: the resolved value', () => {
  it('resolves a valid object once: defaults, etcd prefix, attachment scope, node selector', () => {
    const r = checkObject(
      overlay('blue', {
        network: '10.5.0.0/16',
        backend: { vni: 7 },
        nodeSelector: { matchLabels: { role: 'worker' } },
        attachment: { namespaces: ['a', 'b'] },
      }),
    );
    expect(r.findings).toEqual([]);
    expect(r.value).toMatchObject({
      name: 'blue',
      label: 'OverlayNetwork "blue"',
      etcdPrefix: '/plexus.dev/networks/blue',
      config: {
        network: '10.5.0.0/16',
        subnetLen: 24,
        subnetMin: '10.5.1.0',
        subnetMax: '10.5.255.0',
        capacity: 255,
        backend: { type: 'vxlan', vni: 7, port: 8472, directRouting: false },
        ipMasq: true,
      },
      attachment: { namespaces: ['a', 'b'] },
      nodeSelector: { matchLabels: { role: 'worker' } },
      spec: { network: '10.5.0.0/16', backend: { vni: 7 } },
    });
  });
  it('has no value when there is an error, and no etcd prefix before the name is known', () => {
    expect(checkObject(overlay('blue', { mtu: 10 })).value).toBeUndefined();
    const unnamed = checkObject({ ...overlay('x'), metadata: { generateName: 'blue-' } }).value;
    expect(unnamed?.name).toBeUndefined();
    expect(unnamed?.etcdPrefix).toBeUndefined();
    expect(unnamed?.label).toBe('the OverlayNetwork with generateName "blue-"');
  });
});

describe('checkOverlayNetwork: the object', () => {
  it('accepts a valid object, minimal and full', () => {
    expect(checkOverlayNetwork(overlay('blue'))).toEqual([]);
    const full = overlay('blue', {
      subnetLen: 24,
      subnetMin: '173.17.1.0',
      subnetMax: '173.17.254.0',
      backend: { type: 'vxlan', vni: 2, port: 4789, directRouting: true },
      mtu: 1450,
      ipMasq: false,
      etcdPrefix: '/k8s/network2',
      nodeSelector: { matchLabels: { role: 'worker' } },
      attachment: {
        namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
      },
    });
    expect(checkOverlayNetwork(full)).toEqual([]);
  });
  it('rejects non-objects and wrong apiVersion/kind', () => {
    expect(checkOverlayNetwork(null)[0]?.message).toMatch(/null/);
    const wrong = checkOverlayNetwork({ ...overlay('blue'), apiVersion: 'v1', kind: 'Network' });
    expect(at(wrong, 'apiVersion')?.fix).toBe('apiVersion: plexus.dev/v1alpha1');
    expect(at(wrong, 'kind')?.fix).toBe('kind: OverlayNetwork');
  });
  it('checks metadata.name: required, DNS-1123 label (NAD names carry it)', () => {
    expect(
      at(checkOverlayNetwork({ ...overlay('x'), metadata: {} }), 'metadata.name')?.message,
    ).toMatch(/required/);
    expect(at(checkOverlayNetwork(overlay('Blue_Net')), 'metadata.name')?.fix).toBe(
      'use "blue-net"',
    );
    expect(at(checkOverlayNetwork(overlay('blue.net')), 'metadata.name')?.message).toMatch(
      /NetworkAttachmentDefinitions/,
    );
    expect(checkOverlayNetwork({ ...overlay('x'), metadata: { generateName: 'blue-' } })).toEqual(
      [],
    );
  });
  it('warns that a namespace is ignored', () => {
    const f = checkOverlayNetwork({
      ...overlay('blue'),
      metadata: { name: 'blue', namespace: 'default' },
    });
    expect(f).toMatchObject([{ field: 'metadata.namespace', severity: 'warning' }]);
  });
  it('requires spec and reports unknown fields with a suggestion', () => {
    expect(
      at(checkOverlayNetwork({ ...overlay('blue'), spec: undefined }), 'spec')?.message,
    ).toMatch(/required/);
    expect(at(specErrors({ subnetlen: 24 }), 'spec.subnetlen')?.fix).toBe(
      'did you mean "subnetLen"?',
    );
    expect(at(checkOverlayNetwork({ ...overlay('blue'), specs: {} }), 'specs')?.fix).toBe(
      'did you mean "spec"?',
    );
  });
});

describe('checkOverlayNetwork: network and subnets', () => {
  it('requires an IPv4 CIDR', () => {
    expect(at(specErrors({ network: undefined }), 'spec.network')?.message).toMatch(/required/);
    expect(at(specErrors({ network: 10 }), 'spec.network')?.message).toMatch(/string/);
    expect(at(specErrors({ network: '10.5.0.0' }), 'spec.network')?.message).toMatch(/not a CIDR/);
    expect(at(specErrors({ network: 'fd00::/64' }), 'spec.network')?.message).toMatch(/IPv6/);
  });
  it('requires the canonical form, suggesting it', () => {
    expect(at(specErrors({ network: '173.17.0.1/16' }), 'spec.network')).toMatchObject({
      fix: 'use 173.17.0.0/16',
      severity: 'error',
    });
  });
  it('applies flannel limits: network ≥ /28, subnetLen 1–30 and ≥ prefix + 2', () => {
    expect(at(specErrors({ network: '10.0.0.0/29' }), 'spec.network')?.message).toMatch(
      /too small/,
    );
    expect(specErrors({ network: '10.0.0.0/28' })).toEqual([]);
    expect(at(specErrors({ subnetLen: 31 }), 'spec.subnetLen')).toBeDefined();
    expect(at(specErrors({ subnetLen: 24.5 }), 'spec.subnetLen')).toBeDefined();
    expect(at(specErrors({ subnetLen: 17 }), 'spec.subnetLen')?.fix).toMatch(/18/);
    expect(specErrors({ subnetLen: 18 })).toEqual([]);
  });
  it('checks subnetMin/subnetMax: IPv4, inside, aligned, ordered', () => {
    expect(at(specErrors({ subnetMin: 'x' }), 'spec.subnetMin')).toBeDefined();
    expect(at(specErrors({ subnetMax: 'fd00::1' }), 'spec.subnetMax')).toBeDefined();
    expect(at(specErrors({ subnetMin: '10.0.0.0' }), 'spec.subnetMin')?.message).toMatch(
      /not inside/,
    );
    expect(at(specErrors({ subnetMax: '173.17.3.1' }), 'spec.subnetMax')?.fix).toBe(
      'use 173.17.3.0',
    );
    expect(
      at(specErrors({ subnetMin: '173.17.9.0', subnetMax: '173.17.3.0' }), 'spec.subnetMin'),
    ).toBeDefined();
    expect(specErrors({ subnetMin: '173.17.9.0', subnetMax: '173.17.9.0' })).toEqual([]);
  });
});

describe('checkOverlayNetwork: backend and the rest', () => {
  it('requires backend.vni 1–16777215', () => {
    expect(at(specErrors({ backend: undefined }), 'spec.backend')?.message).toMatch(/required/);
    expect(at(specErrors({ backend: {} }), 'spec.backend.vni')?.message).toMatch(/required/);
    expect(at(specErrors({ backend: { vni: 0 } }), 'spec.backend.vni')).toBeDefined();
    expect(at(specErrors({ backend: { vni: 16777216 } }), 'spec.backend.vni')).toBeDefined();
    expect(specErrors({ backend: { vni: 16777215 } })).toEqual([]);
  });
  it('warns about VNI 1 on the default port (a flannel cluster network uses it)', () => {
    const f = checkOverlayNetwork(overlay('blue', { backend: { vni: 1 } }));
    expect(f).toMatchObject([{ field: 'spec.backend.vni', severity: 'warning' }]);
    expect(checkOverlayNetwork(overlay('blue', { backend: { vni: 1, port: 4789 } }))).toEqual([]);
  });
  it('checks backend type, port, directRouting', () => {
    expect(
      at(specErrors({ backend: { vni: 2, type: 'host-gw' } }), 'spec.backend.type')?.fix,
    ).toMatch(/vxlan/);
    expect(at(specErrors({ backend: { vni: 2, port: 0 } }), 'spec.backend.port')).toBeDefined();
    expect(at(specErrors({ backend: { vni: 2, port: 65536 } }), 'spec.backend.port')).toBeDefined();
    expect(
      at(specErrors({ backend: { vni: 2, directRouting: 'yes' } }), 'spec.backend.directRouting'),
    ).toBeDefined();
    expect(at(specErrors({ backend: { vni: 2, VNI: 3 } }), 'spec.backend.VNI')?.fix).toBe(
      'did you mean "vni"?',
    );
  });
  it('checks mtu and ipMasq', () => {
    expect(at(specErrors({ mtu: 67 }), 'spec.mtu')).toBeDefined();
    expect(at(specErrors({ mtu: 65536 }), 'spec.mtu')).toBeDefined();
    expect(specErrors({ mtu: 68 })).toEqual([]);
    expect(at(specErrors({ ipMasq: 'true' }), 'spec.ipMasq')).toBeDefined();
  });
  it('checks etcdPrefix: absolute, no trailing or double slash, safe characters', () => {
    expect(specErrors({ etcdPrefix: '/coreos.com/network-2' })).toEqual([]);
    expect(at(specErrors({ etcdPrefix: 'k8s/network2' }), 'spec.etcdPrefix')?.fix).toBe(
      'use /k8s/network2',
    );
    expect(at(specErrors({ etcdPrefix: '/k8s/network2/' }), 'spec.etcdPrefix')?.fix).toBe(
      'use /k8s/network2',
    );
    expect(at(specErrors({ etcdPrefix: '/k8s//n' }), 'spec.etcdPrefix')?.message).toMatch(
      /empty segment/,
    );
    expect(at(specErrors({ etcdPrefix: '/k8s/net work' }), 'spec.etcdPrefix')?.fix).toBe(
      'use /k8s/net-work',
    );
    expect(at(specErrors({ etcdPrefix: '/' }), 'spec.etcdPrefix')).toBeDefined();
    expect(
      at(specErrors({ etcdPrefix: `/${'a'.repeat(300)}` }), 'spec.etcdPrefix')?.message,
    ).toMatch(/256/);
    expect(at(specErrors({ etcdPrefix: 5 }), 'spec.etcdPrefix')).toBeDefined();
  });
  it('checks nodeSelector and attachment', () => {
    expect(
      at(
        specErrors({ nodeSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }),
        'spec.nodeSelector.matchExpressions[0].values',
      ),
    ).toBeDefined();
    expect(
      at(
        specErrors({ attachment: { namespaces: ['default'], namespaceSelector: {} } }),
        'spec.attachment',
      )?.message,
    ).toMatch(/not both/);
    expect(
      at(specErrors({ attachment: { namespaces: ['Default'] } }), 'spec.attachment.namespaces[0]'),
    ).toBeDefined();
    expect(
      at(specErrors({ attachment: { namespaces: ['a', 'a'] } }), 'spec.attachment.namespaces[1]')
        ?.message,
    ).toMatch(/twice/);
    expect(
      at(specErrors({ attachment: { namespaces: 'default' } }), 'spec.attachment.namespaces'),
    ).toBeDefined();
    expect(
      at(
        specErrors({ attachment: { namespaces: Array.from({ length: 257 }, (_, i) => `n${i}`) } }),
        'spec.attachment.namespaces',
      )?.fix,
    ).toMatch(/namespaceSelector/);
    expect(
      at(
        specErrors({ attachment: { namespaceSelector: { matchLabels: { a: 'b c' } } } }),
        'spec.attachment.namespaceSelector.matchLabels.a',
      ),
    ).toBeDefined();
  });
  it('checkOverlayNetworkSpec reports against the given base path', () => {
    expect(checkOverlayNetworkSpec({ network: '10.5.0.0/16' }, 'x')[0]?.field).toBe('x.backend');
    expect(checkOverlayNetworkSpec([], 'x')[0]?.field).toBe('x');
  });
});
