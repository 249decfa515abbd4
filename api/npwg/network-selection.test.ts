import { describe, expect, it } from 'vitest';
import type { Finding } from '../common/findings.ts';
import { parseNetworkSelection } from './network-selection.ts';

const F = 'metadata.annotations[k8s.v1.cni.cncf.io/networks]';

function parse(value: string, clusterInterface?: string) {
  return parseNetworkSelection(value, { podNamespace: 'team-a', clusterInterface });
}
function errors(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error');
}
function warnings(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'warning');
}
/** Parses one JSON element and returns its findings. */
function one(element: Record<string, unknown>): Finding[] {
  return parse(JSON.stringify([element])).findings;
}
function fieldsOf(findings: Finding[]): string[] {
  return findings.map((f) => f.field);
}

describe('comma form', () => {
  it('resolves namespaces and generates net<N> for every position', () => {
    const r = parse(' blue , other/red@data0,green ');
    expect(r.findings).toEqual([]);
    expect(
      r.elements.map((e) => [e.namespace, e.name, e.interface, e.interfaceRequested, e.index]),
    ).toEqual([
      ['team-a', 'blue', 'net1', false, 0],
      ['other', 'red', 'data0', true, 1],
      ['team-a', 'green', 'net3', false, 2],
    ]);
  });
  it('trims spaces around "/" and "@" like Multus', () => {
    const r = parse('other / red @ data0');
    expect(r.findings).toEqual([]);
    expect(r.elements[0]).toMatchObject({ namespace: 'other', name: 'red', interface: 'data0' });
  });
  it('treats an empty value as no networks', () => {
    expect(parse('')).toEqual({ elements: [], findings: [] });
  });
  it('rejects a blank value', () => {
    const r = parse('  \n ');
    expect(errors(r.findings).map((f) => f.field)).toEqual([F]);
  });
  it('rejects empty items between, before and after commas', () => {
    expect(fieldsOf(errors(parse('a,,b').findings))).toEqual([`${F}[1]`]);
    expect(fieldsOf(errors(parse('a,b,').findings))).toEqual([`${F}[2]`]);
    expect(fieldsOf(errors(parse(',a').findings))).toEqual([`${F}[0]`]);
  });
  it('rejects more than one "/" or "@", and "@" before "/"', () => {
    expect(errors(parse('a/b/c').findings)[0]?.message).toContain('more than one "/"');
    expect(errors(parse('a@x@y').findings)[0]?.message).toContain('more than one "@"');
    const r = parse('net@if0/ns');
    expect(errors(r.findings)[0]?.fix).toBe('write namespace/name@interface');
  });
  it('warns about an empty namespace or interface and falls back', () => {
    const r = parse('/blue, red@');
    expect(errors(r.findings)).toEqual([]);
    expect(fieldsOf(warnings(r.findings))).toEqual([`${F}[0].namespace`, `${F}[1].interface`]);
    expect(r.elements.map((e) => [e.namespace, e.interface])).toEqual([
      ['team-a', 'net1'],
      ['team-a', 'net2'],
    ]);
  });
  it('requires DNS-1123 label names and says why dots fail', () => {
    const dots = errors(parse('macvlan.conf').findings);
    expect(fieldsOf(dots)).toEqual([`${F}[0].name`]);
    expect(dots[0]?.message).toContain('DNS-1123 labels');
    expect(dots[0]?.fix).toContain('"macvlan-conf"');
    const upper = errors(parse('My_Net').findings);
    expect(upper[0]?.fix).toBe('use "my-net"');
    expect(errors(parse('ns/').findings)[0]?.field).toBe(`${F}[0].name`);
  });
  it('checks the namespace and interface name', () => {
    expect(fieldsOf(errors(parse('Bad_NS/blue').findings))).toEqual([`${F}[0].namespace`]);
    expect(fieldsOf(errors(parse('blue@a-very-long-ifname0').findings))).toEqual([
      `${F}[0].interface`,
    ]);
    expect(fieldsOf(errors(parse('blue@eth:1').findings))).toEqual([`${F}[0].interface`]);
    expect(parse('blue@data.100').findings).toEqual([]);
  });
  it('rejects JSON characters inside a comma list', () => {
    const r = parse('blue, {"name": "red"}');
    expect(fieldsOf(errors(r.findings))).toEqual([F]);
    expect(r.elements).toEqual([]);
  });
});

describe('JSON form: structure', () => {
  it('accepts a full valid element with no findings', () => {
    const r = parse(
      JSON.stringify([
        {
          name: 'blue',
          namespace: 'net',
          interface: 'data0',
          ips: ['10.1.1.5/24', 'fd00::5'],
          mac: '02:23:45:67:89:01',
          'default-route': ['10.1.1.1'],
          portMappings: [
            { containerPort: 80, hostPort: 8080, protocol: 'TCP', hostIP: '10.0.0.1' },
          ],
          bandwidth: {
            ingressRate: 1000000,
            ingressBurst: 100000,
            egressRate: 2000000,
            egressBurst: 200000,
          },
          'cni-args': { vlan: 10 },
          'infiniband-guid': 'c2:11:22:33:44:55:66:77',
          'example.com/team': 'x',
        },
        { name: 'red' },
      ]),
    );
    expect(r.findings).toEqual([]);
    expect(r.elements[0]).toMatchObject({
      name: 'blue',
      namespace: 'net',
      interface: 'data0',
      interfaceRequested: true,
      index: 0,
    });
    expect(r.elements[0]).not.toHaveProperty(['example.com/team']);
    expect(r.elements[1]).toMatchObject({
      name: 'red',
      namespace: 'team-a',
      interface: 'net2',
      interfaceRequested: false,
      index: 1,
    });
  });
  it('accepts an empty list', () => {
    expect(parse('[]')).toEqual({ elements: [], findings: [] });
    expect(parse('  [ ]  ').findings).toEqual([]);
  });
  it('asks to wrap a single object in a list', () => {
    const r = parse('{"name": "blue"}');
    expect(r.findings).toEqual([
      {
        field: F,
        message: 'is a single JSON object; the JSON form is a list of objects',
        fix: 'wrap it in a list: [{"name": ...}]',
        severity: 'error',
      },
    ]);
  });
  it('reports the JSON parse error', () => {
    const r = parse('[{"name": "blue",}]');
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]?.message).toMatch(/^is not valid JSON: .+/);
    expect(r.elements).toEqual([]);
  });
  it('rejects a quoted string and suggests the bare names', () => {
    const r = parse('"blue"');
    expect(r.findings[0]?.fix).toBe('write the names without quotes, e.g. "blue"');
  });
  it('rejects entries that are not objects, keeping positions for the rest', () => {
    const r = parse('["blue", {"name": "red"}, null]');
    expect(fieldsOf(errors(r.findings))).toEqual([`${F}[0]`, `${F}[2]`]);
    expect(errors(r.findings)[0]?.fix).toBe('write {"name": "blue"} instead of a bare string');
    expect(r.elements.map((e) => [e.name, e.interface])).toEqual([['red', 'net2']]);
  });
  it('requires name, as a string', () => {
    expect(one({ interface: 'x0' })).toEqual([
      {
        field: `${F}[0].name`,
        message: 'is required: the name of the NetworkAttachmentDefinition to attach',
        fix: 'add "name": "<nad-name>"',
        severity: 'error',
      },
    ]);
    expect(one({ name: 5 })[0]?.message).toBe('must be a string (got a number)');
    expect(one({ name: '' })[0]?.field).toBe(`${F}[0].name`);
  });
  it('explains that comma-form shorthands do not work in a JSON name', () => {
    expect(one({ name: 'infra/blue' })[0]?.fix).toBe('write "namespace": "infra", "name": "blue"');
    expect(one({ name: 'blue@data0' })[0]?.fix).toBe('write "name": "blue", "interface": "data0"');
  });
  it('treats an empty namespace as the pod namespace (spec 4.1.2.1.1)', () => {
    const r = parse('[{"name": "blue", "namespace": ""}]');
    expect(r.findings).toEqual([]);
    expect(r.elements[0]?.namespace).toBe('team-a');
    expect(one({ name: 'blue', namespace: 'Bad' })[0]?.field).toBe(`${F}[0].namespace`);
    expect(one({ name: 'blue', namespace: 3 })[0]?.message).toBe('must be a string (got a number)');
  });
  it('names the expected type when a key has the wrong one', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ name: 'a', interface: 1 }, 'interface', 'must be a string (got a number)'],
      [{ name: 'a', ips: '10.0.0.1' }, 'ips', 'must be a list of IP addresses (got a string)'],
      [{ name: 'a', mac: ['x'] }, 'mac', 'must be a string (got a list)'],
      [
        { name: 'a', 'default-route': '10.0.0.1' },
        'default-route',
        'must be a list of gateway IP addresses (got a string)',
      ],
      [
        { name: 'a', portMappings: {} },
        'portMappings',
        'must be a list of port mappings (got an object)',
      ],
      [{ name: 'a', bandwidth: [] }, 'bandwidth', 'must be an object (got a list)'],
      [
        { name: 'a', 'cni-args': 'x=y' },
        'cni-args',
        'must be an object of CNI args (got a string)',
      ],
      [
        { name: 'a', 'infiniband-guid': true },
        'infiniband-guid',
        'must be a string (got a boolean)',
      ],
      [
        { name: 'a', 'ipam-claim-reference': 1 },
        'ipam-claim-reference',
        'must be a string (got a number)',
      ],
    ];
    for (const [element, key, message] of cases) {
      const f = errors(one(element));
      expect(
        f.map((x) => [x.field, x.message]),
        key,
      ).toEqual([[`${F}[0].${key}`, message]]);
    }
    expect(errors(one({ name: 'a', ips: '10.0.0.1' }))[0]?.fix).toBe(
      'write a list: "ips": ["10.0.0.1"]',
    );
  });
  it('treats null optional keys as absent, with a warning', () => {
    const f = one({ name: 'a', mac: null, 'cni-args': null });
    expect(errors(f)).toEqual([]);
    expect(fieldsOf(warnings(f))).toEqual([`${F}[0].mac`, `${F}[0].cni-args`]);
  });
});

describe('JSON form: unknown keys', () => {
  it('warns with a did-you-mean hint', () => {
    const f = one({
      name: 'a',
      interfaceName: 'x0',
      ipAddresses: ['10.0.0.2'],
      cniArgs: {},
      zzz: 1,
    });
    expect(errors(f)).toEqual([]);
    expect(f.map((x) => [x.field, x.fix])).toEqual([
      [`${F}[0].interfaceName`, 'did you mean "interface"?'],
      [`${F}[0].ipAddresses`, 'did you mean "ips"?'],
      [`${F}[0].cniArgs`, 'did you mean "cni-args"?'],
      [
        `${F}[0].zzz`,
        'remove it, or use a reverse-DNS key such as "org.example.my-key" for your own data',
      ],
    ]);
  });
  it('allows reverse-DNS extension keys silently', () => {
    expect(one({ name: 'a', 'org.example.color': 'blue' })).toEqual([]);
  });
  it('reads case-variant keys like Go does, with a warning', () => {
    const r = parse('[{"Name": "blue", "Interface": "x0"}]');
    expect(errors(r.findings)).toEqual([]);
    expect(fieldsOf(warnings(r.findings))).toEqual([`${F}[0].Name`, `${F}[0].Interface`]);
    expect(r.elements[0]).toMatchObject({ name: 'blue', interface: 'x0' });
    const both = parse('[{"name": "blue", "NAME": "red"}]');
    expect(both.elements[0]?.name).toBe('blue');
    expect(warnings(both.findings)[0]?.message).toContain('is ignored');
  });
  it('honours the deprecated interfaceRequest key unless interface is set', () => {
    const r = parse('[{"name": "blue", "interfaceRequest": "x0"}]');
    expect(errors(r.findings)).toEqual([]);
    expect(warnings(r.findings)[0]?.field).toBe(`${F}[0].interfaceRequest`);
    expect(r.elements[0]?.interface).toBe('x0');
    const both = parse('[{"name": "blue", "interfaceRequest": "x0", "interface": "y0"}]');
    expect(both.elements[0]?.interface).toBe('y0');
    expect(warnings(both.findings)[0]?.message).toContain('ignored');
    expect(errors(one({ name: 'a', interfaceRequest: 'bad name' }))[0]?.field).toBe(
      `${F}[0].interfaceRequest`,
    );
  });
});

describe('interface', () => {
  it('accepts a valid name and rejects invalid ones', () => {
    expect(one({ name: 'a', interface: 'data0' })).toEqual([]);
    expect(fieldsOf(errors(one({ name: 'a', interface: 'x'.repeat(16) })))).toEqual([
      `${F}[0].interface`,
    ]);
    expect(errors(one({ name: 'a', interface: '..' }))).toHaveLength(1);
  });
  it('ignores an empty interface with a warning and generates a name', () => {
    const r = parse('[{"name": "a", "interface": ""}]');
    expect(warnings(r.findings)).toHaveLength(1);
    expect(r.elements[0]?.interface).toBe('net1');
  });
});

describe('ips', () => {
  it('accepts addresses with and without prefix, both families', () => {
    expect(one({ name: 'a', ips: ['10.1.1.5', '10.1.1.6/24', 'fd00::5', 'fd00::6/64'] })).toEqual(
      [],
    );
  });
  it('rejects bad addresses, non-strings and duplicates', () => {
    const f = errors(
      one({ name: 'a', ips: ['10.1.1', 7, '10.1.1.5/33', '10.1.1.5', '10.1.1.5/24'] }),
    );
    expect(f.map((x) => x.field)).toEqual([
      `${F}[0].ips[0]`,
      `${F}[0].ips[1]`,
      `${F}[0].ips[2]`,
      `${F}[0].ips[4]`,
    ]);
    expect(f[3]?.message).toContain('listed twice');
  });
  it('refuses the whole address space, /0, unspecified, multicast, loopback and broadcast addresses, with a fix', () => {
    const bad = [
      '0.0.0.0/0',
      '::/0',
      '10.1.1.5/0',
      '0.0.0.0',
      '::',
      '224.0.0.5',
      '239.1.1.1/24',
      'ff02::1',
      'ff05::2/64',
      '127.0.0.1/8',
      '::1',
      '255.255.255.255',
    ];
    const f = errors(one({ name: 'a', ips: bad }));
    expect(f.map((x) => x.field)).toEqual(bad.map((_, j) => `${F}[0].ips[${j}]`));
    expect(f[0]?.message).toBe(
      '"0.0.0.0/0" is the whole IPv4 address space (a default route), not an address',
    );
    expect(f[1]?.message).toMatch(/whole IPv6 address space/);
    expect(f[2]?.message).toMatch(/prefix length 0/);
    expect(f[5]?.message).toMatch(/multicast/);
    expect(f[7]?.fix).toBe(
      'write the interface\'s unicast address with its subnet\'s prefix length, e.g. "fd00::5/64"',
    );
    expect(f[0]?.fix).toMatch(/e\.g\. "10\.1\.1\.5\/24"/);
    // Neighbours of the refused ranges are fine.
    expect(
      one({ name: 'a', ips: ['223.255.255.254/8', '240.0.0.1/4', 'fe80::5/64', '0.0.0.1/8'] }),
    ).toEqual([]);
  });
  it('warns about an empty list', () => {
    const f = one({ name: 'a', ips: [] });
    expect(errors(f)).toEqual([]);
    expect(warnings(f)).toHaveLength(1);
  });
});

describe('mac', () => {
  it('accepts unicast 6-byte and 20-byte IPoIB addresses', () => {
    expect(one({ name: 'a', mac: '02:23:45:67:89:01' })).toEqual([]);
    expect(one({ name: 'a', mac: '02-23-45-67-89-01' })).toEqual([]);
    expect(
      one({ name: 'a', mac: '80:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22' }),
    ).toEqual([]);
  });
  it('rejects multicast and broadcast with a unicast suggestion', () => {
    const f = errors(one({ name: 'a', mac: '01:23:45:67:89:01' }));
    expect(f).toEqual([
      {
        field: `${F}[0].mac`,
        message:
          '"01:23:45:67:89:01" is a multicast or broadcast address (lowest bit of the first byte set); no interface can use it',
        fix: 'use a unicast address such as "02:23:45:67:89:01"',
        severity: 'error',
      },
    ]);
    expect(errors(one({ name: 'a', mac: 'ff:ff:ff:ff:ff:ff' }))).toHaveLength(1);
  });
  it('rejects the zero MAC and malformed text', () => {
    expect(errors(one({ name: 'a', mac: '00:00:00:00:00:00' }))[0]?.message).toContain('all-zero');
    expect(errors(one({ name: 'a', mac: '02:23:45:67:89' }))[0]?.message).toContain(
      'is not a MAC address',
    );
  });
});

describe('default-route', () => {
  it('accepts one gateway per family', () => {
    expect(
      one({
        name: 'a',
        ips: ['10.1.1.5/24', 'fd00::5/64'],
        'default-route': ['10.1.1.1', 'fd00::1'],
      }),
    ).toEqual([]);
  });
  it('rejects a prefix length, with the bare address as fix', () => {
    const f = errors(one({ name: 'a', 'default-route': ['10.1.1.1/24'] }));
    expect(f.map((x) => [x.field, x.fix])).toEqual([
      [`${F}[0].default-route[0]`, 'write "10.1.1.1"'],
    ]);
  });
  it('refuses an unspecified, multicast or loopback gateway, with a fix', () => {
    const all = one({ name: 'a', ips: ['fd00::5/64'], 'default-route': ['::', '0.0.0.0'] });
    // One finding each: no "outside the requested subnets" warning on top.
    expect(all).toHaveLength(2);
    const f = errors(all);
    expect(f.map((x) => [x.field, x.message, x.fix])).toEqual([
      [
        `${F}[0].default-route[0]`,
        '"::" is the unspecified address: a default route needs the address of a router',
        'write the address of the router on this network, e.g. "fd00::1"',
      ],
      [
        `${F}[0].default-route[1]`,
        '"0.0.0.0" is the unspecified address: a default route needs the address of a router',
        'write the address of the router on this network, e.g. "10.1.1.1"',
      ],
    ]);
    expect(fieldsOf(errors(one({ name: 'a', 'default-route': ['224.0.0.1', '::1'] })))).toEqual([
      `${F}[0].default-route[0]`,
      `${F}[0].default-route[1]`,
    ]);
  });
  it('rejects a second gateway of one family in an element', () => {
    expect(fieldsOf(errors(one({ name: 'a', 'default-route': ['10.1.1.1', '10.1.1.2'] })))).toEqual(
      [`${F}[0].default-route[1]`],
    );
  });
  it('lets at most one element carry default-route, with one gateway per family', () => {
    const two = parse(
      '[{"name": "a", "default-route": ["10.1.1.1"]}, {"name": "b", "default-route": ["10.2.2.1"]}]',
    );
    expect(fieldsOf(errors(two.findings))).toEqual([`${F}[1].default-route`]);
    expect(errors(two.findings)[0]?.message).toContain('element 0 (team-a/a)');
    // Even split by family, a second carrier is refused (spec v1.3: one element).
    const split = parse(
      '[{"name": "a", "default-route": ["10.1.1.1"]}, {"name": "b", "default-route": ["fd00::1"]}]',
    );
    expect(fieldsOf(errors(split.findings))).toEqual([`${F}[1].default-route`]);
    // Dual stack on the one carrier is fine.
    expect(
      parse('[{"name": "a", "default-route": ["10.1.1.1", "fd00::1"]}, {"name": "b"}]').findings,
    ).toEqual([]);
  });
  it('warns when the gateway is outside the requested subnets', () => {
    const f = one({ name: 'a', ips: ['10.1.1.5/24'], 'default-route': ['10.9.9.1'] });
    expect(f.map((x) => [x.severity, x.field])).toEqual([['warning', `${F}[0].default-route[0]`]]);
  });
});

describe('portMappings', () => {
  it('accepts valid mappings, any protocol case', () => {
    expect(
      one({
        name: 'a',
        portMappings: [
          { containerPort: 80, hostPort: 8080 },
          { containerPort: 53, hostPort: 53, protocol: 'UDP' },
          { containerPort: 9, hostPort: 9, protocol: 'Sctp' },
        ],
      }),
    ).toEqual([]);
  });
  it('requires both ports as integers from 1 to 65535', () => {
    const f = errors(
      one({
        name: 'a',
        portMappings: [
          { hostPort: 80 },
          { containerPort: 0, hostPort: 70000 },
          { containerPort: 1.5, hostPort: '80' },
        ],
      }),
    );
    expect(f.map((x) => x.field)).toEqual([
      `${F}[0].portMappings[0].containerPort`,
      `${F}[0].portMappings[1].containerPort`,
      `${F}[0].portMappings[1].hostPort`,
      `${F}[0].portMappings[2].containerPort`,
      `${F}[0].portMappings[2].hostPort`,
    ]);
    expect(f[4]?.fix).toBe('write 80 without quotes');
  });
  it('checks protocol and hostIP, and warns about unknown keys', () => {
    const f = one({
      name: 'a',
      portMappings: [
        { containerPort: 80, hostPort: 80, protocol: 'icmp', hostIP: 'localhost', hostport: 1 },
      ],
    });
    expect(f.map((x) => [x.severity, x.field])).toEqual([
      ['error', `${F}[0].portMappings[0].protocol`],
      ['error', `${F}[0].portMappings[0].hostIP`],
      ['warning', `${F}[0].portMappings[0].hostport`],
    ]);
    expect(f[2]?.fix).toBe('did you mean "hostPort"?');
    expect(errors(one({ name: 'a', portMappings: ['80:8080'] }))).toHaveLength(1);
  });
  it('rejects two mappings of one host port, unless bound to different host IPs', () => {
    const clash = parse(
      '[{"name": "a", "portMappings": [{"containerPort": 80, "hostPort": 8080}]}, {"name": "b", "portMappings": [{"containerPort": 81, "hostPort": 8080, "protocol": "TCP", "hostIP": "10.0.0.1"}]}]',
    );
    expect(fieldsOf(errors(clash.findings))).toEqual([`${F}[1].portMappings[0].hostPort`]);
    const distinct = one({
      name: 'a',
      portMappings: [
        { containerPort: 80, hostPort: 8080, hostIP: '10.0.0.1' },
        { containerPort: 81, hostPort: 8080, hostIP: '10.0.0.2' },
        { containerPort: 82, hostPort: 8080, protocol: 'udp' },
      ],
    });
    expect(distinct).toEqual([]);
  });
});

describe('bandwidth', () => {
  it('accepts rates with bursts', () => {
    expect(one({ name: 'a', bandwidth: { ingressRate: 1000, ingressBurst: 100 } })).toEqual([]);
  });
  it('requires a burst with each rate and a rate with each burst', () => {
    const f = errors(one({ name: 'a', bandwidth: { ingressRate: 1000, egressBurst: 10 } }));
    expect(f.map((x) => x.field)).toEqual([
      `${F}[0].bandwidth.ingressRate`,
      `${F}[0].bandwidth.egressBurst`,
    ]);
  });
  it('rejects negative, fractional and non-number values, and bursts of 4 GiB', () => {
    const f = errors(
      one({
        name: 'a',
        bandwidth: { ingressRate: -1, ingressBurst: 1.5, egressRate: '1M', egressBurst: 100 },
      }),
    );
    expect(f.map((x) => x.field)).toContain(`${F}[0].bandwidth.ingressRate`);
    expect(f.map((x) => x.field)).toContain(`${F}[0].bandwidth.ingressBurst`);
    expect(f.map((x) => x.field)).toContain(`${F}[0].bandwidth.egressRate`);
    expect(
      fieldsOf(
        errors(one({ name: 'a', bandwidth: { egressRate: 1, egressBurst: 8 * 4294967295 } })),
      ),
    ).toEqual([`${F}[0].bandwidth.egressBurst`]);
  });
  it('rejects a zero rate; warns about an empty object and unknown keys', () => {
    expect(
      one({ name: 'a', bandwidth: { ingressRate: 0 } }).map((x) => [x.severity, x.field]),
    ).toEqual([['error', `${F}[0].bandwidth.ingressRate`]]);
    expect(
      one({ name: 'a', bandwidth: { egressRate: 0, egressBurst: 0 } }).map((x) => [
        x.severity,
        x.field,
      ]),
    ).toEqual([['error', `${F}[0].bandwidth.egressRate`]]);
    expect(one({ name: 'a', bandwidth: {} }).map((x) => x.severity)).toEqual(['warning']);
    const typo = one({ name: 'a', bandwidth: { ingresRate: 1 } });
    expect(typo[0]?.fix).toBe('did you mean "ingressRate"?');
  });
});

describe('infiniband-guid and ipam-claim-reference', () => {
  it('checks the GUID format', () => {
    expect(one({ name: 'a', 'infiniband-guid': 'c2:11:22:33:44:55:66:77' })).toEqual([]);
    expect(fieldsOf(errors(one({ name: 'a', 'infiniband-guid': 'c2:11:22:33:44:55' })))).toEqual([
      `${F}[0].infiniband-guid`,
    ]);
  });
  it('requires a non-empty IPAMClaim name and forbids combining it with ips', () => {
    expect(one({ name: 'a', 'ipam-claim-reference': 'vm-a.data' })).toEqual([]);
    expect(errors(one({ name: 'a', 'ipam-claim-reference': '' }))).toHaveLength(1);
    expect(errors(one({ name: 'a', 'ipam-claim-reference': 'Bad_Claim' }))).toHaveLength(1);
    const both = errors(one({ name: 'a', 'ipam-claim-reference': 'claim', ips: ['10.0.0.5/24'] }));
    expect(both.map((x) => x.field)).toEqual([`${F}[0].ipam-claim-reference`]);
  });
});

describe('interface collisions', () => {
  it('rejects two attachments asking for one name', () => {
    const r = parse('blue@data0, red@data0');
    expect(errors(r.findings)).toEqual([
      {
        field: `${F}[1].interface`,
        message: 'interface "data0" is already used by element 0 (team-a/blue)',
        fix: 'give each attachment its own interface name',
        severity: 'error',
      },
    ]);
  });
  it('rejects a requested name equal to a name generated for another element', () => {
    const r = parse('blue@net2, red');
    expect(errors(r.findings).map((x) => x.field)).toEqual([`${F}[0].interface`]);
    expect(errors(r.findings)[0]?.message).toContain('generated for element 1 (team-a/red)');
    const later = parse('blue, red@net1');
    expect(errors(later.findings).map((x) => x.field)).toEqual([`${F}[1].interface`]);
  });
  it('rejects the cluster interface and lo, warns about kernel tunnel devices', () => {
    expect(fieldsOf(errors(parse('blue@eth0').findings))).toEqual([`${F}[0].interface`]);
    expect(parse('blue@eth0', 'pod0').findings).toEqual([]);
    expect(fieldsOf(errors(parse('blue@pod0', 'pod0').findings))).toEqual([`${F}[0].interface`]);
    expect(fieldsOf(errors(parse('blue@lo').findings))).toEqual([`${F}[0].interface`]);
    expect(parse('blue@tunl0').findings.map((x) => x.severity)).toEqual(['warning']);
  });
  it('counts every attachment when generating names', () => {
    const r = parse('a@x0, b, c@y0, d');
    expect(r.elements.map((e) => e.interface)).toEqual(['x0', 'net2', 'y0', 'net4']);
  });
});

describe('size and options', () => {
  it('rejects values over 256 KiB without parsing them', () => {
    const big = 'a,'.repeat(131072) + 'a';
    const r = parse(big);
    expect(r.elements).toEqual([]);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]?.message).toContain('256 KiB');
    // Counted in UTF-8 bytes, as the API server does: 90,000 three-byte characters.
    expect(parse('€'.repeat(90000)).findings[0]?.message).toContain('256 KiB');
    expect(parse('[' + ' '.repeat(200000) + ']').findings).toEqual([]);
  });
  it('uses the given field path', () => {
    const r = parseNetworkSelection('Bad', {
      podNamespace: 'x',
      field: 'spec.template.metadata.annotations[k8s.v1.cni.cncf.io/networks]',
    });
    expect(r.findings[0]?.field).toBe(
      'spec.template.metadata.annotations[k8s.v1.cni.cncf.io/networks][0].name',
    );
  });
});
