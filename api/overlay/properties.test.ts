import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasErrors } from '../common/findings.ts';
import { isPlainObject } from '../common/json-value.ts';
import { formatIp, parseCidr } from '../net/ip.ts';
import type { OverlayNetwork, OverlayNetworkSpec } from '../resources/overlay-network.ts';
import { resolved } from '../testing/overlay.ts';
import { flannelNetworkConfig, parseFlannelNetworkConfig } from './flannel-config.ts';
import { checkOverlayNetwork } from './overlay-object.ts';
import { checkOverlayNetworkSpec } from './overlay-spec.ts';
import { checkOverlayNetworkAgainst, checkOverlayNetworkSet } from './network-set.ts';
import { defaultSubnetLen } from './subnets.ts';
import { checkOverlayNetworkUpdate } from './update.ts';
import { overlayNetworkValidator } from './validator.ts';

const nameArb = fc.stringMatching(/^[a-z]([-a-z0-9]{0,10}[a-z0-9])?$/);

/** A network with its (optional) subnet length and an aligned, ordered range. */
const subnetsArb = fc
  .tuple(fc.integer({ min: 1, max: 28 }), fc.ipV4())
  .chain(([prefix, addr]) => {
    const network = (parseCidr(`${addr}/${prefix}`) ?? parseCidr('10.0.0.0/8'))!;
    return fc.record({
      network: fc.constant(network),
      subnetLen: fc.option(fc.integer({ min: prefix + 2, max: 30 }), { nil: undefined }),
      picks: fc.tuple(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
      ),
      withMin: fc.boolean(),
      withMax: fc.boolean(),
    });
  })
  .map(({ network, subnetLen, picks, withMin, withMax }) => {
    const len = subnetLen ?? defaultSubnetLen(network.prefix);
    const count = 1n << BigInt(len - network.prefix);
    const size = 1n << BigInt(32 - len);
    // Indices 1..count-1: the first subnet is never chosen (that is only a warning, tested elsewhere).
    const idx = (p: number): bigint =>
      1n + BigInt(Math.floor(p * Number(count - 1n))) - (p === 1 ? 1n : 0n);
    const [i, j] = [idx(picks[0]), idx(picks[1])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) as [
      bigint,
      bigint,
    ];
    return {
      network: network.canonical,
      ...(subnetLen === undefined ? {} : { subnetLen }),
      ...(withMin ? { subnetMin: formatIp(network.network + i * size, 4) } : {}),
      ...(withMax ? { subnetMax: formatIp(network.network + j * size, 4) } : {}),
    };
  });

const validArb: fc.Arbitrary<OverlayNetwork> = fc
  .record({
    name: nameArb,
    subnets: subnetsArb,
    vni: fc.integer({ min: 2, max: 16777215 }),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    directRouting: fc.option(fc.boolean(), { nil: undefined }),
    mtu: fc.option(fc.integer({ min: 68, max: 65535 }), { nil: undefined }),
    ipMasq: fc.option(fc.boolean(), { nil: undefined }),
    etcdPrefix: fc.option(
      fc
        // Segments of more than dots: path.Join would clean "." and ".." away.
        .array(fc.stringMatching(/^\.{0,2}[A-Za-z0-9_-][A-Za-z0-9._-]{0,5}$/), {
          minLength: 1,
          maxLength: 4,
        })
        .map((s) => `/${s.join('/')}`),
      { nil: undefined },
    ),
    namespaces: fc.option(fc.uniqueArray(nameArb, { maxLength: 4 }), { nil: undefined }),
  })
  .map((r) => {
    const spec: OverlayNetworkSpec = {
      ...r.subnets,
      backend: {
        vni: r.vni,
        ...(r.port === undefined ? {} : { port: r.port }),
        ...(r.directRouting === undefined ? {} : { directRouting: r.directRouting }),
      },
      ...(r.mtu === undefined ? {} : { mtu: r.mtu }),
      ...(r.ipMasq === undefined ? {} : { ipMasq: r.ipMasq }),
      ...(r.etcdPrefix === undefined ? {} : { etcdPrefix: r.etcdPrefix }),
      ...(r.namespaces === undefined ? {} : { attachment: { namespaces: r.namespaces } }),
    };
    // VNI 1 only warns; avoid it with the default port so valid means "no findings".
    return {
      apiVersion: 'plexus.dev/v1alpha1',
      kind: 'OverlayNetwork',
      metadata: { name: r.name },
      spec,
    };
  });

/** Every path (as key lists) inside a JSON value. */
function pathsOf(v: unknown, base: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [base];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsOf(x, [...base, i])));
  else if (isPlainObject(v))
    for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...base, k]));
  return out;
}

function mutate(
  obj: unknown,
  path: (string | number)[],
  op: 'replace' | 'delete',
  value: unknown,
): unknown {
  if (path.length === 0) return op === 'delete' ? undefined : value;
  const copy = structuredClone(obj) as Record<string | number, unknown>;
  let cur: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (op === 'delete') delete cur[last];
  else cur[last] = value;
  return copy;
}

const mutatedArb = fc
  .tuple(
    validArb,
    fc.nat(),
    fc.constantFrom<'replace' | 'delete'>('replace', 'delete'),
    fc.oneof(fc.jsonValue(), fc.anything()),
  )
  .map(([on, n, op, value]) => {
    const paths = pathsOf(on);
    return mutate(on, paths[n % paths.length] ?? [], op, value);
  });

function runEverything(x: unknown, valid: OverlayNetwork): void {
  const spec = isPlainObject(x) ? x.spec : undefined;
  const v = resolved(valid);
  const checked = checkOverlayNetwork(x);
  const xv = checked.value;
  const opts = { clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] };
  const results = [
    checked.findings,
    overlayNetworkValidator.update(valid, x, { leasesExist: true }).findings,
    overlayNetworkValidator.update(x, valid, { leasesExist: true }).findings,
    checkOverlayNetworkSpec(spec).findings,
    parseFlannelNetworkConfig(JSON.stringify(spec) ?? 'undefined').findings,
  ];
  if (xv !== undefined) {
    results.push(
      checkOverlayNetworkSet([xv, v]).map((f) => f.finding),
      checkOverlayNetworkSet([v, xv], opts).map((f) => f.finding),
      checkOverlayNetworkAgainst(xv, [v]),
      checkOverlayNetworkAgainst(v, [xv]),
      checkOverlayNetworkUpdate(v, xv, { leasesExist: true }),
      checkOverlayNetworkUpdate(xv, v, { leasesExist: true }),
    );
    flannelNetworkConfig(xv);
  }
  for (const r of results) {
    expect(Array.isArray(r)).toBe(true);
    for (const f of r)
      expect(typeof f.field === 'string' && typeof f.message === 'string').toBe(true);
  }
}

describe('properties', () => {
  it('the generator makes valid objects: no findings, a config, a flannel round trip', () => {
    fc.assert(
      fc.property(validArb, (on) => {
        const r = checkOverlayNetwork(on);
        // The one warning a valid object may get: a VNI old flanneld cannot read, on a shared prefix.
        const { vni } = on.spec.backend;
        const shared = on.spec.etcdPrefix !== undefined && vni > 65535;
        expect(r.findings.map((f) => `${f.severity} ${f.field}`)).toEqual(
          shared ? ['warning spec.backend.vni'] : [],
        );
        const config = r.value?.config;
        expect(config).toBeDefined();
        const parsed = parseFlannelNetworkConfig(
          JSON.stringify(flannelNetworkConfig(resolved(on))),
        );
        expect(parsed.findings).toEqual([]);
        expect(parsed.value).toMatchObject({
          network: config?.network,
          subnetLen: config?.subnetLen,
          subnetMin: config?.subnetMin,
          subnetMax: config?.subnetMax,
          capacity: config?.capacity,
        });
        expect(
          checkOverlayNetworkUpdate(resolved(on), resolved(on), { leasesExist: true }),
        ).toEqual([]);
      }),
    );
  });

  it('validators never throw on random input and always return findings arrays', () => {
    fc.assert(
      fc.property(fc.anything(), validArb, (x, valid) => {
        runEverything(x, valid);
      }),
    );
  });

  it('validators never throw on mutations of valid objects', () => {
    fc.assert(
      fc.property(mutatedArb, validArb, (x, valid) => {
        runEverything(x, valid);
        // An object that checks clean always resolves; one with errors never does.
        const r = checkOverlayNetwork(x);
        expect(r.value === undefined).toBe(hasErrors(r.findings));
      }),
      { numRuns: 500 },
    );
  });

  it('flannel config parsing never throws on random JSON', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify({ Network: '10.0.0.0/16', Backend: v })),
        ),
        (s) => {
          const r = parseFlannelNetworkConfig(s);
          expect(Array.isArray(r.findings)).toBe(true);
          if (r.value !== undefined) expect(hasErrors(r.findings)).toBe(false);
        },
      ),
    );
  });

  it('capacity equals the number of subnets from SubnetMin to SubnetMax, all aligned and inside', () => {
    const small = subnetsArb.filter((s) => {
      const n = parseCidr(s.network);
      return n !== undefined && (s.subnetLen ?? defaultSubnetLen(n.prefix)) - n.prefix <= 12;
    });
    fc.assert(
      fc.property(small, (s) => {
        const value = checkOverlayNetworkSpec({ ...s, backend: { vni: 2 } }).value;
        expect(value).toBeDefined();
        const plan = value!.plan;
        const size = 1n << BigInt(32 - plan.subnetLen);
        let count = 0;
        for (let a = plan.subnetMin; a <= plan.subnetMax; a += size) {
          expect(a % size).toBe(0n);
          expect(a >= plan.network.network && a + size - 1n <= plan.network.broadcast).toBe(true);
          count++;
        }
        expect(plan.capacity).toBe(count);
        if (s.subnetMin === undefined) expect(plan.subnetMin).toBe(plan.network.network + size);
        if (s.subnetMax === undefined)
          expect(plan.subnetMax).toBe(plan.network.broadcast + 1n - size);
      }),
    );
  });

  it('the set sweep flags exactly the networks a brute-force pairwise check finds inside another', () => {
    const itemArb = fc.record({
      octet: fc.integer({ min: 0, max: 15 }),
      prefix: fc.integer({ min: 8, max: 14 }),
    });
    fc.assert(
      fc.property(fc.array(itemArb, { maxLength: 30 }), (items) => {
        const ons = items.map(({ octet, prefix }, i) => {
          const network = parseCidr(`10.${octet * 16}.0.0/${prefix}`)!.canonical;
          return {
            apiVersion: 'plexus.dev/v1alpha1',
            kind: 'OverlayNetwork',
            metadata: { name: `n${i}` },
            spec: { network, backend: { vni: 2 + i } },
          } as OverlayNetwork;
        });
        const set = checkOverlayNetworkSet(ons.map((on) => resolved(on)));
        const flagged = new Set(
          set
            .filter((f) => f.finding.field === 'spec.network')
            .map((f) => ons[f.index]!.metadata.name),
        );
        const expected = new Set<string>();
        for (const a of ons) {
          const ca = parseCidr(a.spec.network)!;
          for (const b of ons) {
            if (a === b) continue;
            const cb = parseCidr(b.spec.network)!;
            const contains = cb.network <= ca.network && cb.broadcast >= ca.broadcast;
            const earlier =
              cb.prefix < ca.prefix ||
              (cb.prefix === ca.prefix && b.metadata.name < a.metadata.name);
            if (contains && earlier) expected.add(a.metadata.name);
          }
        }
        expect([...flagged].sort()).toEqual([...expected].sort());
        expect(set.length).toBe(flagged.size);
      }),
    );
  });
});
