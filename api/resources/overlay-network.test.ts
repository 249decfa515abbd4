import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  OVERLAY_NETWORK_PRINTER_COLUMNS,
  OverlayNetworkSchema,
  OverlayNetworkSpecSchema,
  type OverlayNetwork,
} from './overlay-network.ts';

// ajv does not know the x-kubernetes-* keywords or the CRD formats; they are
// the API server's business, so ajv is told to ignore them.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validate = ajv.compile(OverlayNetworkSchema);

const valid: OverlayNetwork = {
  apiVersion: 'plexus.dev/v1alpha1',
  kind: 'OverlayNetwork',
  metadata: { name: 'blue' },
  spec: {
    network: '173.17.0.0/16',
    subnetLen: 24,
    subnetMin: '173.17.1.0',
    subnetMax: '173.17.254.0',
    backend: { type: 'vxlan', vni: 2, port: 8472, directRouting: false },
    mtu: 1450,
    ipMasq: true,
    etcdPrefix: '/plexus.dev/networks/blue',
    nodeSelector: { matchLabels: { 'kubernetes.io/os': 'linux' } },
    attachment: { namespaces: ['default'] },
  },
  status: {
    observedGeneration: 3,
    subnets: { capacity: 254, allocated: 12 },
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        lastTransitionTime: '2025-01-01T00:00:00Z',
        reason: 'Ready',
        message: '',
      },
    ],
  },
};

function withSpec(spec: Record<string, unknown>): unknown {
  return { ...valid, spec: { ...valid.spec, ...spec } };
}

describe('OverlayNetworkSchema', () => {
  it('accepts a full object and a minimal one', () => {
    expect(validate(valid), JSON.stringify(validate.errors)).toBe(true);
    const minimal = {
      apiVersion: 'plexus.dev/v1alpha1',
      kind: 'OverlayNetwork',
      metadata: {},
      spec: { network: '10.5.0.0/16', backend: { vni: 2 } },
    };
    expect(validate(minimal), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects values outside the schema', () => {
    const bad: [string, unknown][] = [
      ['no spec', { ...valid, spec: undefined }],
      ['no backend', withSpec({ backend: undefined })],
      ['no vni', withSpec({ backend: { type: 'vxlan' } })],
      ['vni 0', withSpec({ backend: { vni: 0 } })],
      ['vni too big', withSpec({ backend: { vni: 16777216 } })],
      ['udp backend', withSpec({ backend: { type: 'udp', vni: 2 } })],
      ['port 0', withSpec({ backend: { vni: 2, port: 0 } })],
      ['network not a CIDR', withSpec({ network: '10.5.0.0' })],
      ['network IPv6', withSpec({ network: 'fd00::/64' })],
      ['network leading zero', withSpec({ network: '10.05.0.0/16' })],
      ['subnetLen 31', withSpec({ subnetLen: 31 })],
      ['subnetLen fractional', withSpec({ subnetLen: 24.5 })],
      ['subnetMin not an IP', withSpec({ subnetMin: 'x' })],
      ['mtu 67', withSpec({ mtu: 67 })],
      ['etcdPrefix relative', withSpec({ etcdPrefix: 'k8s/network2' })],
      ['etcdPrefix trailing slash', withSpec({ etcdPrefix: '/k8s/network2/' })],
      ['etcdPrefix too long', withSpec({ etcdPrefix: `/${'a'.repeat(256)}` })],
      ['etcdPrefix ".." segment', withSpec({ etcdPrefix: '/plexus.dev/networks/x/../a' })],
      ['etcdPrefix "." segment', withSpec({ etcdPrefix: '/k8s/./network2' })],
      ['etcdPrefix "//"', withSpec({ etcdPrefix: '/k8s//network2' })],
      ['etcdPrefix only dots', withSpec({ etcdPrefix: '/k8s/...' })],
      ['namespace not a label', withSpec({ attachment: { namespaces: ['Default'] } })],
      ['ipMasq string', withSpec({ ipMasq: 'yes' })],
      [
        'bad operator',
        withSpec({ nodeSelector: { matchExpressions: [{ key: 'a', operator: 'Has' }] } }),
      ],
      ['negative allocated', { ...valid, status: { subnets: { capacity: 1, allocated: -1 } } }],
    ];
    for (const [name, obj] of bad) expect(validate(obj), name).toBe(false);
  });

  it('is structural: every node has a type, no anyOf/oneOf/not/$ref, every property a description', () => {
    const problems: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as Record<string, unknown>;
      for (const k of ['anyOf', 'oneOf', 'not', '$ref', 'allOf'])
        if (k in n) problems.push(`${path}: ${k}`);
      if (typeof n.type !== 'string') problems.push(`${path}: no type`);
      if (typeof n.description !== 'string' && !path.endsWith('[]'))
        problems.push(`${path}: no description`);
      const props = n.properties as Record<string, unknown> | undefined;
      for (const [k, v] of Object.entries(props ?? {})) walk(v, `${path}.${k}`);
      if (n.items !== undefined) walk(n.items, `${path}[]`);
    };
    walk(JSON.parse(JSON.stringify(OverlayNetworkSpecSchema)), 'spec');
    expect(problems).toEqual([]);
  });

  it('keeps CEL cost bounded: strings under CEL rules have maxLength, lists maxItems', () => {
    const spec = JSON.parse(JSON.stringify(OverlayNetworkSpecSchema)) as {
      properties: Record<string, { maxLength?: number }>;
    };
    for (const k of ['network', 'subnetMin', 'subnetMax', 'etcdPrefix'])
      expect(spec.properties[k]?.maxLength, k).toBeDefined();
    const root = JSON.parse(JSON.stringify(OverlayNetworkSchema)) as Record<string, unknown>;
    const rules = root['x-kubernetes-validations'] as { rule: string; message: string }[];
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect(r.message.length).toBeGreaterThan(10);
  });

  it('declares the printer columns kubectl shows', () => {
    expect(OVERLAY_NETWORK_PRINTER_COLUMNS.map((c) => c.name)).toEqual([
      'Network',
      'VNI',
      'Allocated',
      'Capacity',
      'NADs',
      'Ready',
      'Age',
    ]);
    expect(OVERLAY_NETWORK_PRINTER_COLUMNS.find((c) => c.name === 'Age')?.type).toBe('date');
  });
});

describe('the checks read their keys and limits from the schema', () => {
  it('SPEC_KEYS are the schema properties', async () => {
    const { SPEC_KEYS } = await import('../overlay/overlay-spec.ts');
    const { OverlayNetworkSpecSchema } = await import('./overlay-network.ts');
    expect([...SPEC_KEYS].sort()).toEqual(Object.keys(OverlayNetworkSpecSchema.properties).sort());
  });
  it('the key lists the checks read without TypeBox are the schema properties, in order', async () => {
    const names = await import('./overlay-network-names.ts');
    const schemas = await import('./overlay-network.ts');
    expect(names.OVERLAY_NETWORK_KEYS).toEqual(
      Object.keys(schemas.OverlayNetworkSchema.properties),
    );
    expect(names.OVERLAY_SPEC_KEYS).toEqual(
      Object.keys(schemas.OverlayNetworkSpecSchema.properties),
    );
    expect(names.OVERLAY_BACKEND_KEYS).toEqual(
      Object.keys(schemas.OverlayBackendSchema.properties),
    );
    expect(names.OVERLAY_ATTACHMENT_KEYS).toEqual(
      Object.keys(schemas.OverlayAttachmentSchema.properties),
    );
  });
  it('MTU, port, VNI and subnetLen limits are the ones the checks enforce', async () => {
    const { OverlayNetworkSpecSchema, OverlayBackendSchema } = await import('./overlay-network.ts');
    const { MTU_MIN, MTU_MAX, PORT_MIN, PORT_MAX, VNI_MAX } = await import('../common/limits.ts');
    const { overlayNetworkValidator } = await import('../overlay/validator.ts');
    const { overlay } = await import('../testing/overlay.ts');
    const p = OverlayNetworkSpecSchema.properties;
    const b = OverlayBackendSchema.properties;
    expect([p.mtu.minimum, p.mtu.maximum]).toEqual([MTU_MIN, MTU_MAX]);
    expect([b.port.minimum, b.port.maximum]).toEqual([PORT_MIN, PORT_MAX]);
    expect([b.vni.minimum, b.vni.maximum]).toEqual([1, VNI_MAX]);
    const ok = (spec: Record<string, unknown>) =>
      overlayNetworkValidator.create(overlay('x', spec)).value !== undefined;
    for (const [key, min, max] of [
      ['mtu', MTU_MIN, MTU_MAX],
      ['subnetLen', p.subnetLen.minimum, p.subnetLen.maximum],
    ] as const) {
      const spec = { network: '10.0.0.0/8' };
      expect(ok({ ...spec, [key]: max }), `${key} ${max}`).toBe(true);
      expect(ok({ ...spec, [key]: (max ?? 0) + 1 }), `${key} > max`).toBe(false);
      expect(ok({ ...spec, [key]: (min ?? 0) - 1 }), `${key} < min`).toBe(false);
    }
    for (const [key, min, max] of [
      ['port', PORT_MIN, PORT_MAX],
      ['vni', 2, VNI_MAX],
    ] as const) {
      expect(ok({ backend: { vni: 2, [key]: max } })).toBe(true);
      expect(ok({ backend: { vni: 2, [key]: max + 1 } })).toBe(false);
      expect(ok({ backend: { vni: 2, [key]: min - 2 } })).toBe(false);
    }
  });
});
