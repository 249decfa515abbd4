import { describe, expect, it } from 'vitest';
import type { Finding } from '../common/findings.ts';
import { checkIpam, type IpamContext } from './ipam.ts';
import { checkDns, checkRoutes } from './routes-and-dns.ts';

function run(
  ipam: unknown,
  ctx: IpamContext = {},
): { type: string | undefined; findings: Finding[] } {
  const out: Finding[] = [];
  const type = checkIpam(ipam, 'ipam', ctx, out);
  return { type, findings: out };
}
const errors = (fs: Finding[]): Finding[] => fs.filter((f) => f.severity === 'error');
const warnings = (fs: Finding[]): Finding[] => fs.filter((f) => f.severity === 'warning');
const fields = (fs: Finding[]): string[] => fs.map((f) => f.field);

function hostLocal(extra: Record<string, unknown>): Record<string, unknown> {
  return { type: 'host-local', ...extra };
}

describe('ipam section', () => {
  it('takes an empty object as "layer 2 only"', () => {
    expect(run({})).toEqual({ type: undefined, findings: [] });
  });
  it('needs a type once it has settings', () => {
    const r = run({ subnet: '10.0.0.0/24' });
    expect(fields(errors(r.findings))).toEqual(['ipam.type']);
    expect(run({ tpye: 'host-local' }).findings[0]?.fix).toBe(
      'did you mean "type"? ("tpye" is set)',
    );
    expect(run({ type: '' }).findings).toHaveLength(1);
  });
  it('rejects a non-object and a non-string type', () => {
    expect(fields(run('host-local').findings)).toEqual(['ipam']);
    expect(errors(run({ type: 7 }).findings)[0]?.message).toMatch(/must be a string/);
  });
  it('rejects a type that is a path', () => {
    expect(errors(run({ type: '../../bin/evil' }).findings)).toHaveLength(1);
  });
  it('accepts dhcp and third-party types without checking their fields', () => {
    expect(run({ type: 'dhcp' })).toEqual({ type: 'dhcp', findings: [] });
    expect(run({ type: 'whereabouts', range: 'anything goes' })).toEqual({
      type: 'whereabouts',
      findings: [],
    });
  });
});

describe('host-local', () => {
  it('accepts ranges with start, end and gateway inside the subnet', () => {
    const r = run(
      hostLocal({
        ranges: [
          [
            {
              subnet: '10.1.0.0/24',
              rangeStart: '10.1.0.10',
              rangeEnd: '10.1.0.20',
              gateway: '10.1.0.1',
            },
          ],
          [{ subnet: 'fd00:1::/64' }],
        ],
      }),
    );
    expect(r).toEqual({ type: 'host-local', findings: [] });
  });
  it('accepts the legacy flat form', () => {
    expect(
      run(
        hostLocal({
          subnet: '10.10.20.0/24',
          rangeStart: '10.10.20.50',
          rangeEnd: '10.10.20.60',
          gateway: '10.10.20.254',
        }),
      ).findings,
    ).toEqual([]);
  });
  it('refuses a subnet with host bits and suggests the network address', () => {
    const [e] = run(hostLocal({ ranges: [[{ subnet: '10.1.0.7/24' }]] })).findings;
    expect(e).toMatchObject({
      field: 'ipam.ranges[0][0].subnet',
      severity: 'error',
      fix: 'use "10.1.0.0/24"',
    });
  });
  it('still checks the rest of a range whose subnet has host bits', () => {
    const r = run(
      hostLocal({
        subnet: '10.1.0.9/24',
        rangeStart: '10.1.0.50',
        rangeEnd: '10.1.0.40',
        gateway: '10.2.0.1',
      }),
    );
    expect(fields(errors(r.findings))).toEqual(['ipam.subnet', 'ipam.rangeStart']);
    expect(fields(warnings(r.findings))).toEqual(['ipam.gateway']);
  });
  it('refuses a subnet too small to allocate from', () => {
    expect(
      errors(run(hostLocal({ ranges: [[{ subnet: '10.1.0.0/31' }]] })).findings)[0]?.message,
    ).toMatch(/too small/);
    expect(errors(run(hostLocal({ ranges: [[{ subnet: 'fd00::/127' }]] })).findings)).toHaveLength(
      1,
    );
    expect(run(hostLocal({ ranges: [[{ subnet: '10.1.0.0/30' }]] })).findings).toEqual([]);
  });
  it('refuses bounds outside the subnet or of the other family; only warns about such a gateway (host-local does not check it)', () => {
    const r = run(
      hostLocal({
        ranges: [
          [
            {
              subnet: '10.1.0.0/24',
              rangeStart: '10.2.0.1',
              rangeEnd: 'fd00::1',
              gateway: '10.1.1.1',
            },
          ],
        ],
      }),
    );
    expect(fields(errors(r.findings))).toEqual([
      'ipam.ranges[0][0].rangeStart',
      'ipam.ranges[0][0].rangeEnd',
    ]);
    expect(r.findings[1]?.message).toMatch(/IPv6/);
    const gw = warnings(r.findings);
    expect(fields(gw)).toEqual(['ipam.ranges[0][0].gateway']);
    expect(gw[0]?.message).toBe(
      '10.1.1.1 is not inside subnet 10.1.0.0/24; host-local does not check it and hands it to the pod as its gateway, which it may not reach',
    );
    const v6 = run(hostLocal({ ranges: [[{ subnet: '10.1.0.0/24', gateway: 'fd00::1' }]] }));
    expect(errors(v6.findings)).toEqual([]);
    expect(warnings(v6.findings)[0]?.message).toMatch(/is IPv6 but subnet 10\.1\.0\.0\/24 is IPv4/);
  });
  it('refuses rangeStart after rangeEnd, also against the default end', () => {
    const swapped = run(
      hostLocal({
        ranges: [[{ subnet: '10.1.0.0/24', rangeStart: '10.1.0.50', rangeEnd: '10.1.0.40' }]],
      }),
    );
    expect(swapped.findings[0]).toMatchObject({
      field: 'ipam.ranges[0][0].rangeStart',
      fix: 'swap rangeStart and rangeEnd',
    });
    // The default end leaves out the broadcast address, so .255 as start is past it.
    expect(
      errors(
        run(hostLocal({ ranges: [[{ subnet: '10.1.0.0/24', rangeStart: '10.1.0.255' }]] }))
          .findings,
      ),
    ).toHaveLength(1);
  });
  it('refuses invalid IP text', () => {
    expect(
      errors(
        run(hostLocal({ ranges: [[{ subnet: '10.1.0.0/24', gateway: '10.1.0' }]] })).findings,
      )[0]?.field,
    ).toBe('ipam.ranges[0][0].gateway');
  });
  it('refuses a range without a subnet, a set that is not an array and an empty set', () => {
    const r = run(
      hostLocal({ ranges: [[{ rangeStart: '10.1.0.1' }], { subnet: '10.2.0.0/24' }, []] }),
    );
    expect(fields(errors(r.findings))).toEqual([
      'ipam.ranges[0][0].subnet',
      'ipam.ranges[1]',
      'ipam.ranges[2]',
    ]);
    expect(r.findings[1]?.fix).toMatch(/brackets/);
  });
  it('refuses mixed families and overlaps inside one range set', () => {
    const mixed = run(
      hostLocal({ ranges: [[{ subnet: '10.1.0.0/24' }, { subnet: 'fd00::/64' }]] }),
    );
    expect(errors(mixed.findings)[0]).toMatchObject({ field: 'ipam.ranges[0][1].subnet' });
    const overlap = run(
      hostLocal({ ranges: [[{ subnet: '10.1.0.0/16' }, { subnet: '10.1.2.0/24' }]] }),
    );
    expect(errors(overlap.findings)[0]?.message).toMatch(/overlaps/);
  });
  it('accepts disjoint ranges of one subnet in one set', () => {
    const r = run(
      hostLocal({
        ranges: [
          [
            { subnet: '10.1.0.0/24', rangeEnd: '10.1.0.127' },
            { subnet: '10.1.0.0/24', rangeStart: '10.1.0.128' },
          ],
        ],
      }),
    );
    expect(r.findings).toEqual([]);
  });
  it('refuses range sets that overlap each other, including the legacy one', () => {
    const sets = run(
      hostLocal({ ranges: [[{ subnet: '10.1.0.0/24' }], [{ subnet: '10.1.0.0/25' }]] }),
    );
    expect(errors(sets.findings)[0]?.field).toBe('ipam.ranges[1][0]');
    const legacy = run(hostLocal({ subnet: '10.1.0.0/24', ranges: [[{ subnet: '10.1.0.0/24' }]] }));
    expect(fields(errors(legacy.findings))).toEqual(['ipam.ranges[0][0]']);
    expect(fields(warnings(legacy.findings))).toEqual(['ipam.subnet']);
  });
  it('needs a range unless the runtime passes ipRanges', () => {
    expect(fields(errors(run(hostLocal({})).findings))).toEqual(['ipam.ranges']);
    expect(errors(run(hostLocal({ ranges: [] })).findings)).toHaveLength(1);
    expect(run(hostLocal({}), { capabilities: { ipRanges: true } }).findings).toEqual([]);
  });
  it('refuses flat range keys without a subnet (host-local ignores them)', () => {
    const r = run(hostLocal({ rangeStart: '10.1.0.5', ranges: [[{ subnet: '10.1.0.0/24' }]] }));
    expect(fields(errors(r.findings))).toEqual(['ipam.rangeStart']);
  });
  it('checks dataDir, resolvConf and routes', () => {
    const r = run(
      hostLocal({
        ranges: [[{ subnet: '10.1.0.0/24' }]],
        dataDir: 5,
        resolvConf: '/etc/resolv.conf',
        routes: [{ dst: '10.0.0.1/8' }],
      }),
    );
    expect(fields(errors(r.findings))).toEqual(['ipam.dataDir', 'ipam.routes[0].dst']);
  });
});

describe('static', () => {
  it('accepts addresses with gateways in their subnet', () => {
    const r = run({
      type: 'static',
      addresses: [{ address: '10.1.1.5/24', gateway: '10.1.1.1' }, { address: 'fd00::5/64' }],
      routes: [{ dst: '0.0.0.0/0', gw: '10.1.1.1' }],
      dns: { nameservers: ['10.1.1.2'] },
    });
    expect(r.findings).toEqual([]);
  });
  it('needs host addresses with a prefix length', () => {
    const r = run({
      type: 'static',
      addresses: [
        { address: '10.1.1.5' },
        { address: '10.1.1.0/24' },
        { address: '10.1.1.255/24' },
        {},
      ],
    });
    expect(fields(errors(r.findings))).toEqual([
      'ipam.addresses[0].address',
      'ipam.addresses[1].address',
      'ipam.addresses[2].address',
      'ipam.addresses[3].address',
    ]);
    expect(r.findings[1]?.fix).toMatch(/10\.1\.1\.1\/24/);
  });
  it('refuses addresses and gateways no interface or route can use, as the pod annotation does', () => {
    const r = run({
      type: 'static',
      addresses: [
        { address: '0.0.0.0/0' },
        { address: '::/0' },
        { address: '224.0.0.5/24' },
        { address: '10.1.1.5/24', gateway: '0.0.0.0' },
        { address: 'fd00::5/64', gateway: '::' },
      ],
    });
    expect(fields(errors(r.findings))).toEqual([
      'ipam.addresses[0].address',
      'ipam.addresses[1].address',
      'ipam.addresses[2].address',
      'ipam.addresses[3].gateway',
      'ipam.addresses[4].gateway',
    ]);
    expect(r.findings[0]?.message).toMatch(/whole IPv4 address space/);
    expect(r.findings[4]?.fix).toMatch(/router/);
  });
  it('accepts /31 and /32 addresses, where every address is a host', () => {
    expect(
      run({ type: 'static', addresses: [{ address: '10.1.1.0/31' }, { address: '10.1.1.9/32' }] })
        .findings,
    ).toEqual([]);
  });
  it('refuses a gateway outside the subnet or of the other family', () => {
    const r = run({
      type: 'static',
      addresses: [
        { address: '10.1.1.5/24', gateway: '10.1.2.1' },
        { address: '10.1.1.6/24', gateway: 'fd00::1' },
      ],
    });
    expect(fields(errors(r.findings))).toEqual([
      'ipam.addresses[0].gateway',
      'ipam.addresses[1].gateway',
    ]);
  });
  it('takes no addresses without a word: pods pass them (CNI_ARGS IP=, runtimeConfig.ips), which static reads', () => {
    expect(run({ type: 'static' }).findings).toEqual([]);
    expect(run({ type: 'static', addresses: [] }).findings).toEqual([]);
    expect(run({ type: 'static' }, { capabilities: { ips: true } }).findings).toEqual([]);
  });
});

describe('routes and dns', () => {
  it('accepts routes with or without a gateway', () => {
    const out: Finding[] = [];
    checkRoutes([{ dst: '0.0.0.0/0' }, { dst: 'fd00::/8', gw: 'fd00::1' }], 'routes', out);
    expect(out).toEqual([]);
  });
  it('refuses a missing dst, a mixed-family gw and a non-array', () => {
    const out: Finding[] = [];
    checkRoutes([{ gw: '10.0.0.1' }, { dst: '10.0.0.0/8', gw: 'fd00::1' }, 'x'], 'routes', out);
    checkRoutes({}, 'r2', out);
    expect(fields(out)).toEqual(['routes[0].dst', 'routes[1].gw', 'routes[2]', 'r2']);
  });
  it('checks nameservers are IPs and the lists hold strings', () => {
    const ok: Finding[] = [];
    checkDns(
      {
        nameservers: ['1.1.1.1', '2606:4700::1111'],
        domain: 'x',
        search: ['a'],
        options: ['ndots:2'],
      },
      'dns',
      ok,
    );
    expect(ok).toEqual([]);
    const bad: Finding[] = [];
    checkDns({ nameservers: ['dns.google'], search: [1], domain: 2 }, 'dns', bad);
    expect(fields(bad)).toEqual(['dns.domain', 'dns.nameservers[0]', 'dns.search[0]']);
  });
});
