// Property tests: whatever the input, the validators return findings (never
// throw), every finding is well formed, a config comes back exactly when
// there are no errors, and the same input gives the same answer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasErrors } from '../common/findings.ts';
import { CNI_CONFIG_EXAMPLES } from '../testing/cni-examples.ts';
import { checkNadConfig, type NadConfigResult } from './nad-config.ts';
import { compareCniVersions, negotiateCniVersion, SUPPORTED_CNI_VERSIONS } from './versions.ts';

const OVERLAYS = new Set(['blue']);

function check(config: string): NadConfigResult {
  return checkNadConfig(config, { nadName: 'net', overlayNetworks: OVERLAYS });
}

function assertWellFormed(config: string, r: NadConfigResult): void {
  expect(Array.isArray(r.findings)).toBe(true);
  for (const f of r.findings) {
    expect(typeof f.field).toBe('string');
    expect(f.field.startsWith('spec.config')).toBe(true);
    expect(f.message.length).toBeGreaterThan(0);
    expect(['error', 'warning']).toContain(f.severity);
    if (f.fix !== undefined) expect(f.fix.length).toBeGreaterThan(0);
  }
  const blank = config.trim() === '';
  expect(r.value !== undefined).toBe(!blank && !hasErrors(r.findings));
}

function property(config: string): void {
  const r = check(config);
  assertWellFormed(config, r);
  expect(check(config)).toEqual(r);
}

const PLUGIN_TYPES = [
  'macvlan',
  'ipvlan',
  'bridge',
  'vlan',
  'host-device',
  'ptp',
  'tuning',
  'portmap',
  'bandwidth',
  'sbr',
  'firewall',
  'loopback',
  'plexus-overlay',
  'veth-to-host',
  'plexus',
  'host-local',
  'sriov',
];
const FIELD_NAMES = [
  'master',
  'mode',
  'mtu',
  'mac',
  'bridge',
  'isGateway',
  'vlan',
  'vlanTrunk',
  'vlanId',
  'device',
  'hwaddr',
  'kernelpath',
  'pciBusID',
  'ipMasq',
  'sysctl',
  'snat',
  'markMasqBit',
  'ingressRate',
  'ingressBurst',
  'egressRate',
  'egressBurst',
  'network',
  'hostInterface',
  'hostIP',
  'serviceCidr',
  'clusterCidr',
  'routeToHost',
  'capabilities',
  'runtimeConfig',
  'args',
  'dns',
  'name',
  'cniVersion',
];
const IPAM_FIELDS = [
  'type',
  'subnet',
  'rangeStart',
  'rangeEnd',
  'gateway',
  'ranges',
  'routes',
  'addresses',
  'dns',
  'dataDir',
];

/** Values that look like what the fields hold, plus anything at all. */
const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    '10.1.0.0/24',
    '10.1.0.7/24',
    'fd00::/64',
    '10.1.0.5',
    'fd00::1',
    'eth1',
    'l2',
    'bridge',
    '02:00:00:00:00:01',
    '0000:03:00.1',
    'blue',
    '',
  ),
  fc.integer({ min: -10, max: 70_000 }),
  fc.array(
    fc.array(
      fc.record(
        {
          subnet: fc.constantFrom('10.1.0.0/24', '10.1.0.0/31', 'fd00::/64', 'x'),
          rangeStart: fc.constantFrom('10.1.0.9', '10.2.0.1', 'fd00::9'),
        },
        { requiredKeys: ['subnet'] },
      ),
      { maxLength: 3 },
    ),
    { maxLength: 3 },
  ),
);

const ipamArb = fc
  .dictionary(fc.constantFrom(...IPAM_FIELDS), fieldValue, { maxKeys: 6 })
  .map((d) => ({ type: 'host-local', ...d }));
const pluginArb = fc
  .record({
    type: fc.constantFrom(...PLUGIN_TYPES),
    fields: fc.dictionary(fc.constantFrom(...FIELD_NAMES), fieldValue, { maxKeys: 6 }),
    ipam: fc.option(
      fc.oneof(
        ipamArb,
        fc.constantFrom({ type: 'static', addresses: [{ address: '10.1.1.0/24' }] }, {}),
      ),
      { nil: undefined },
    ),
  })
  .map(({ type, fields, ipam }) =>
    ipam === undefined ? { ...fields, type } : { ...fields, type, ipam },
  );
const configArb = fc.oneof(
  pluginArb.map((p) => ({ cniVersion: '1.0.0', ...p })),
  fc.record({
    cniVersion: fc.constantFrom('1.0.0', '0.3.1', '1.1.0'),
    name: fc.constantFrom('n', ''),
    plugins: fc.array(pluginArb, { maxLength: 4 }),
  }),
);

type Path = (string | number)[];

function pathsOf(v: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(v))
    v.forEach((x, i) => out.push([...prefix, i], ...pathsOf(x, [...prefix, i])));
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) out.push([...prefix, k], ...pathsOf(x, [...prefix, k]));
  return out;
}

/** Applies `f` to the value at `path` in a deep copy; f returning undefined deletes it. */
function mutateAt(root: unknown, path: Path, f: (old: unknown) => unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  const next = f(parent[last]);
  if (next === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    parent[last] = next;
  }
  return copy;
}

/** Damages an IP/CIDR-looking string in a few typical ways. */
function garble(v: unknown, how: number): unknown {
  if (typeof v !== 'string') return v;
  switch (how % 5) {
    case 0:
      return v.replace(/\d+$/, '99999'); // prefix, octet or IPv6 group out of range
    case 1:
      return v.replace('/', '');
    case 2:
      return `${v}/`;
    case 3:
      return v.replace(/\./g, ':');
    default:
      return v.replace(/\d/, 'x');
  }
}

describe('checkNadConfig properties', () => {
  it('never throws on random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), property), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), property), {
      numRuns: 300,
    });
  });

  it('never throws on random JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => property(JSON.stringify(v) ?? '')),
      { numRuns: 500 },
    );
  });

  it('never throws on random config-shaped objects', () => {
    fc.assert(
      fc.property(configArb, (c) => property(JSON.stringify(c))),
      { numRuns: 800 },
    );
  });

  // Every (example, path into it) pair, so mutations can hit any field.
  const targets = CNI_CONFIG_EXAMPLES.flatMap((e) => {
    const ex = JSON.parse(e.config) as unknown;
    return pathsOf(ex).map((path) => ({ ex, path }));
  });
  const withPath = fc.constantFrom(...targets);

  it('never throws when a key is dropped from a valid config', () => {
    fc.assert(
      fc.property(withPath, ({ ex, path }) =>
        property(JSON.stringify(mutateAt(ex, path, () => undefined))),
      ),
      { numRuns: 300 },
    );
  });

  it('never throws when a value changes type', () => {
    fc.assert(
      fc.property(withPath, fc.jsonValue({ maxDepth: 2 }), ({ ex, path }, v) =>
        property(JSON.stringify(mutateAt(ex, path, () => v ?? null))),
      ),
      { numRuns: 400 },
    );
  });

  it('never throws, and finds the problem, when a CIDR or IP is garbled', () => {
    const ADDRESS_KEYS = [
      'subnet',
      'rangeStart',
      'rangeEnd',
      'gateway',
      'dst',
      'gw',
      'address',
      'serviceCidr',
      'clusterCidr',
    ];
    const addressy = fc.constantFrom(
      ...targets.filter(({ path }) => ADDRESS_KEYS.includes(String(path[path.length - 1]))),
    );
    fc.assert(
      fc.property(addressy, fc.nat(), ({ ex, path }, how) => {
        const config = JSON.stringify(mutateAt(ex, path, (old) => garble(old, how)));
        property(config);
        // Every garbling breaks the address, so the damage must be reported.
        if (config !== JSON.stringify(ex)) expect(hasErrors(check(config).findings)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws when the string is truncated', () => {
    const cut = fc
      .constantFrom(...CNI_CONFIG_EXAMPLES.map((e) => e.config))
      .chain((c) => fc.record({ c: fc.constant(c), n: fc.integer({ min: 0, max: c.length }) }));
    fc.assert(
      fc.property(cut, ({ c, n }) => {
        const text = c.slice(0, n);
        property(text);
        // Any real cut of a JSON object leaves it unclosed.
        if (n > 0 && n < c.trimEnd().length) expect(hasErrors(check(text).findings)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

describe('version properties', () => {
  const version = fc.oneof(
    fc.constantFrom(...SUPPORTED_CNI_VERSIONS, '0.1.0', '0.2.0', '1.2.0'),
    fc.tuple(fc.nat(3), fc.nat(12), fc.nat(3)).map(([a, b, c]) => `${a}.${b}.${c}`),
    fc.string({ maxLength: 8 }),
  );
  it('compareCniVersions is antisymmetric and reflexive', () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(compareCniVersions(a, a)).toBe(0);
        expect(Math.sign(compareCniVersions(a, b)) + Math.sign(compareCniVersions(b, a))).toBe(0);
      }),
    );
  });
  it('negotiateCniVersion picks a supported version the plugin has, not above the request', () => {
    fc.assert(
      fc.property(version, fc.array(version, { maxLength: 6 }), (requested, plugin) => {
        const v = negotiateCniVersion(requested, plugin);
        if (v === undefined) return;
        expect(plugin).toContain(v);
        expect(SUPPORTED_CNI_VERSIONS as readonly string[]).toContain(v);
        expect(compareCniVersions(v, requested)).toBeLessThanOrEqual(0);
      }),
    );
  });
});
