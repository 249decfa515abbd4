import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../common/findings.ts';
import { BENCH_NETWORKS_ANNOTATION } from '../testing/bench-input.ts';
import { parseDefaultNetwork } from './default-network.ts';
import { parseNetworkSelection } from './network-selection.ts';
import { buildNetworkStatus, networkStatusFromCniResult, parseNetworkStatus } from './index.ts';
import type { NetworkStatus } from './index.ts';
import { checkPodNetworkAnnotations } from './pod-annotations.ts';
import { ELEMENT_KEYS } from './element-keys.ts';

const F = 'metadata.annotations[k8s.v1.cni.cncf.io/networks]';
const RUNS = { numRuns: 400 };

function wellFormed(findings: unknown, base: string): void {
  expect(Array.isArray(findings)).toBe(true);
  // One expect per call: vitest's matchers dominate the run time otherwise.
  const bad = (findings as Finding[]).filter(
    (f) =>
      typeof f.field !== 'string' ||
      !f.field.startsWith(base) ||
      typeof f.message !== 'string' ||
      f.message === '' ||
      (f.severity !== 'error' && f.severity !== 'warning'),
  );
  expect(bad).toEqual([]);
}

function selectionNeverThrows(value: string): void {
  const r = parseNetworkSelection(value, { podNamespace: 'team-a' });
  expect(Array.isArray(r.elements)).toBe(true);
  wellFormed(r.findings, F);
  const bad = r.elements.filter(
    (e) =>
      typeof e.name !== 'string' ||
      typeof e.namespace !== 'string' ||
      typeof e.interface !== 'string' ||
      !Number.isInteger(e.index),
  );
  expect(bad).toEqual([]);
}

const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
const keys = fc.constantFrom(
  ...ELEMENT_KEYS,
  'interfaceRequest',
  'Name',
  'x.y',
  '__proto__',
  'constructor',
);
const jsonish = fc.oneof(
  fc.jsonValue(),
  fc.array(fc.jsonValue()),
  fc.constantFrom('10.1.1.5/24', 'fd00::1', '02:00:00:00:00:01', 'net1', 'eth0', 'lo', '', 'a/b@c'),
  fc.array(
    fc.record(
      {
        containerPort: fc.jsonValue(),
        hostPort: fc.jsonValue(),
        protocol: fc.jsonValue(),
        hostIP: fc.jsonValue(),
      },
      { requiredKeys: [] },
    ),
  ),
  fc.record(
    {
      ingressRate: fc.jsonValue(),
      ingressBurst: fc.jsonValue(),
      egressRate: fc.jsonValue(),
      egressBurst: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
);
const elementLike = fc.dictionary(keys, jsonish, { maxKeys: 8 });

/** A valid comma-form annotation: entries, and which have an explicit ifname. */
const validCommaForm = fc.array(
  fc.record({ ns: fc.option(label, { nil: undefined }), name: label, named: fc.boolean() }),
  { minLength: 1, maxLength: 12 },
);

function renderComma(
  items: { ns?: string; name: string; named: boolean }[],
  spaces: boolean,
): string {
  return items
    .map(
      (it, i) =>
        `${it.ns === undefined ? '' : `${it.ns}/`}${it.name}${it.named ? `@data${i}` : ''}`,
    )
    .join(spaces ? ' , ' : ',');
}

const validAnnotation = fc.oneof(
  validCommaForm.map((items) => renderComma(items, false)),
  fc.constant(BENCH_NETWORKS_ANNOTATION),
  fc
    .array(label, { minLength: 1, maxLength: 5 })
    .map((names) =>
      JSON.stringify(
        names.map((name, i) => ({ name, interface: `x${i}`, ips: [`10.0.${i}.5/24`] })),
      ),
    ),
);

type Mutation =
  { kind: 'delete' | 'insert' | 'swapcase'; at: number; ch: string } | { kind: 'duplicate' };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), ch: fc.constant('') }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    ch: fc.constantFrom(',', '@', '/', '"', '[', '{', ' ', ':', '.', '\u00e9'),
  }),
  fc.record({ kind: fc.constant('swapcase' as const), at: fc.nat(), ch: fc.constant('') }),
  fc.constant({ kind: 'duplicate' as const }),
);

function mutate(value: string, m: Mutation): string {
  if (m.kind === 'duplicate') return value + value;
  const at = value.length === 0 ? 0 : m.at % value.length;
  switch (m.kind) {
    case 'delete':
      return value.slice(0, at) + value.slice(at + 1);
    case 'insert':
      return value.slice(0, at) + m.ch + value.slice(at);
    case 'swapcase': {
      const c = value.charAt(at);
      const swapped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
      return value.slice(0, at) + swapped + value.slice(at + 1);
    }
  }
}

describe('parseNetworkSelection properties', () => {
  it('never throws on random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), selectionNeverThrows),
      RUNS,
    );
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('a', '-', ',', '/', '@', ' ', '[', ']', '{', '}', '"', '1', '.'),
        }),
        selectionNeverThrows,
      ),
      RUNS,
    );
  });
  it('never throws on random JSON values', () => {
    fc.assert(fc.property(fc.json(), selectionNeverThrows), RUNS);
    fc.assert(
      fc.property(fc.array(fc.oneof(elementLike, fc.jsonValue()), { maxLength: 6 }), (list) =>
        selectionNeverThrows(JSON.stringify(list)),
      ),
      RUNS,
    );
  });
  it('never throws on mutated valid annotations', () => {
    fc.assert(
      fc.property(
        validAnnotation,
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (value, ms) => {
          selectionNeverThrows(ms.reduce(mutate, value));
        },
      ),
      RUNS,
    );
  });
  it('accepts generated comma-form annotations and numbers interfaces by position', () => {
    fc.assert(
      fc.property(validCommaForm, fc.boolean(), (items, spaces) => {
        const r = parseNetworkSelection(renderComma(items, spaces), { podNamespace: 'team-a' });
        expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
        expect(r.elements.map((e) => e.name)).toEqual(items.map((it) => it.name));
        expect(r.elements.map((e) => e.namespace)).toEqual(items.map((it) => it.ns ?? 'team-a'));
        expect(r.elements.map((e) => e.interface)).toEqual(
          items.map((it, i) => (it.named ? `data${i}` : `net${i + 1}`)),
        );
      }),
      RUNS,
    );
  });
  it('gives net1..netN in order when no interface is named', () => {
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 20 }), (names) => {
        const r = parseNetworkSelection(names.join(','), { podNamespace: 'p' });
        expect(r.findings).toEqual([]);
        expect(r.elements.map((e) => e.interface)).toEqual(names.map((_, i) => `net${i + 1}`));
      }),
      RUNS,
    );
  });
});

describe('other entry points never throw', () => {
  it('parseDefaultNetwork', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), validAnnotation), (value) => {
        const r = parseDefaultNetwork(value, { podNamespace: 'p' });
        wellFormed(r.findings, 'metadata.annotations[v1.multus-cni.io/default-network]');
      }),
      RUNS,
    );
  });
  it('checkPodNetworkAnnotations', () => {
    const annotations = fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          'k8s.v1.cni.cncf.io/networks',
          'v1.multus-cni.io/default-network',
          'k8s.cni.cncf.io/networks',
          'app',
        ),
        fc.string(),
      ),
      fc.oneof(fc.string(), validAnnotation, fc.jsonValue()),
      { maxKeys: 5 },
    );
    fc.assert(
      fc.property(annotations, (a) => {
        const r = checkPodNetworkAnnotations(a, 'p');
        expect(Array.isArray(r.references)).toBe(true);
        if (r.value !== undefined) expect(Array.isArray(r.value.attachments)).toBe(true);
        wellFormed(r.findings, 'metadata.annotations');
      }),
      RUNS,
    );
  });
  it('parseNetworkStatus and networkStatusFromCniResult', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (value) => {
        const r = parseNetworkStatus(value);
        expect(Array.isArray(r.entries)).toBe(true);
        wellFormed(r.findings, 'metadata.annotations[k8s.v1.cni.cncf.io/network-status]');
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.jsonValue(), (result) => {
        const s = networkStatusFromCniResult('n', result, { ifName: 'net1', isDefault: false });
        expect(s.name).toBe('n');
      }),
      RUNS,
    );
  });
  it('buildNetworkStatus output always parses back to the same entries', () => {
    const ip = fc.oneof(fc.ipV4(), fc.ipV6());
    const status: fc.Arbitrary<NetworkStatus> = fc.record(
      {
        name: label,
        interface: fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/),
        ips: fc.array(ip, { maxLength: 3 }),
        mac: fc.constantFrom('02:00:00:00:00:01', '0a:58:0a:f4:01:05'),
        mtu: fc.integer({ min: 68, max: 9000 }),
        dns: fc.record(
          {
            nameservers: fc.array(ip, { maxLength: 2 }),
            domain: label,
            search: fc.array(label, { maxLength: 2 }),
          },
          { requiredKeys: [] },
        ),
        gateway: fc.array(ip, { maxLength: 2 }),
      },
      { requiredKeys: ['name', 'interface'] },
    );
    fc.assert(
      fc.property(fc.array(status, { maxLength: 4 }), (entries) => {
        const withDefault = entries.map((e, i) => ({ ...e, default: i === 0 }));
        const text = buildNetworkStatus(withDefault);
        const back = parseNetworkStatus(text);
        expect(back.findings.filter((f) => f.severity === 'error')).toEqual([]);
        expect(buildNetworkStatus(back.entries)).toBe(text);
      }),
      RUNS,
    );
  });
});
