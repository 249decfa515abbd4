import { describe, expect, it } from 'vitest';
import { checkNadConfig, MAX_CONFIG_BYTES } from './nad-config.ts';
import { errorFields, HOST_LOCAL, list, single, warningFields } from '../testing/nad-config.ts';

const opts = { nadName: 'macvlan-conf' };

describe('absent config', () => {
  it('is valid when undefined, empty or blank (config on disk)', () => {
    for (const c of [undefined, '', '  \n\t '])
      expect(checkNadConfig(c, opts), JSON.stringify(c)).toEqual({ findings: [] });
  });
});

describe('JSON', () => {
  it('reports a parse error with line and column', () => {
    const r = checkNadConfig('{\n  "cniVersion": "1.0.0",\n  "type": "macvlan",\n}', opts);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      field: 'spec.config',
      severity: 'error',
      fix: 'remove the last comma',
    });
    expect(r.findings[0]?.message).toMatch(/line 4, column 1/);
    expect(r.value).toBeUndefined();
  });
  it('does not echo a huge input in the message', () => {
    const r = checkNadConfig(`{"a": x${' '.repeat(50_000)}}`, opts);
    expect(r.findings[0]?.message.length).toBeLessThan(200);
  });
  it('must be an object', () => {
    for (const c of ['[]', '"macvlan"', '42', 'null'])
      expect(errorFields(checkNadConfig(c, opts)), c).toEqual(['spec.config']);
  });
  it('refuses more than 1 MiB without parsing', () => {
    const big = `{"cniVersion":"1.0.0","type":"macvlan","pad":"${'x'.repeat(MAX_CONFIG_BYTES)}"}`;
    expect(checkNadConfig(big, opts).findings[0]?.message).toMatch(/1 MiB/);
    // Multi-byte characters count as bytes, not characters.
    const wide = `{"cniVersion":"1.0.0","type":"macvlan","pad":"${'é'.repeat(MAX_CONFIG_BYTES / 2)}"}`;
    expect(errorFields(checkNadConfig(wide, opts))).toEqual(['spec.config']);
  });
  it('uses the field prefix it is given', () => {
    expect(errorFields(checkNadConfig('{', { nadName: 'x', field: 'config' }))).toEqual(['config']);
  });
});

describe('duplicate keys', () => {
  it('warns about a key set twice, naming it and the value that wins (the last)', () => {
    const r = checkNadConfig(
      '{"cniVersion":"1.0.0","type":"macvlan","master":"eth0","master":"eth1"}',
      opts,
    );
    expect(r.findings).toEqual([
      {
        field: 'spec.config.master',
        message:
          'is set 2 times in one object; the last value, "eth1", wins: Go\'s encoding/json (libcni and the plugins) keeps it, and Plexus checks it',
        fix: 'keep one "master"',
        severity: 'warning',
      },
    ]);
    expect(r.value?.plugins[0]?.master).toBe('eth1');
  });
  it('warns about keys differing only in case, which Go reads as one field', () => {
    const r = list([{ type: 'bridge', ipam: { Type: 'dhcp', ...HOST_LOCAL } }]);
    const f = r.findings.find((x) => x.field === 'spec.config.plugins[0].ipam.type');
    expect(f?.severity).toBe('warning');
    expect(f?.message).toMatch(/"Type" and "type" are one key to Go's encoding\/json/);
    expect(f?.message).toMatch(/"type" \("host-local"\) is read last and wins/);
  });
  it('lists at most 100 repeated keys and counts the rest', () => {
    const pairs = Array.from({ length: 150 }, (_, i) => `"x${i}": 1, "x${i}": 2`).join(', ');
    const r = checkNadConfig(`{"cniVersion":"1.0.0","type":"macvlan",${pairs}}`, opts);
    expect(r.findings.some((f) => /^50 more key\(s\) are set more than once/.test(f.message))).toBe(
      true,
    );
    expect(r.value).toBeDefined();
  });
  it('keeps case apart in maps (capabilities, sysctl, args)', () => {
    const r = list([
      { type: 'bridge', ipam: {} },
      { type: 'tuning', sysctl: { 'net.ipv4.conf.IFNAME.x': '1', 'net.ipv4.conf.ifname.x': '1' } },
    ]);
    expect(r.findings).toEqual([]);
  });
});

describe('name', () => {
  it('is injected from the NAD name when missing or empty', () => {
    const r = checkNadConfig('{"cniVersion":"1.0.0","type":"macvlan"}', opts);
    expect(r.findings).toEqual([]);
    expect(r.value?.name).toBe('macvlan-conf');
    expect(r.value?.raw.name).toBe('macvlan-conf');
    expect(
      checkNadConfig('{"cniVersion":"1.0.0","name":"","type":"macvlan"}', opts).value?.name,
    ).toBe('macvlan-conf');
  });
  it('may differ from the NAD name', () => {
    const r = single({ name: 'my_net.v2', type: 'macvlan' }, opts);
    expect(r.findings).toEqual([]);
    expect(r.value?.name).toBe('my_net.v2');
  });
  it('must follow the CNI rule', () => {
    for (const name of ['-net', 'my net', 'a/b', 'ü']) {
      const r = single({ name, type: 'macvlan' }, opts);
      expect(errorFields(r), name).toEqual(['spec.config.name']);
      expect(r.findings[0]?.fix).toMatch(/macvlan-conf/);
    }
    expect(errorFields(single({ name: 5, type: 'macvlan' }))).toEqual(['spec.config.name']);
  });
});

describe('cniVersion', () => {
  it('accepts every supported version', () => {
    for (const v of ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0']) {
      expect(single({ cniVersion: v, type: 'macvlan' }).value?.cniVersion, v).toBe(v);
    }
  });
  it('is a warning when missing, saying what libcni assumes; the value runs at 1.0.0 and says so', () => {
    for (const config of ['{"type":"macvlan"}', '{"cniVersion":"","type":"macvlan"}']) {
      const r = checkNadConfig(config, opts);
      expect(r.findings).toEqual([
        {
          field: 'spec.config.cniVersion',
          severity: 'warning',
          message:
            'is missing: libcni (1.1 and later) then reads the config as CNI 0.1.0, which current Multus and sriov-cni handle; Plexus runs it at 1.0.0',
          fix: 'add "cniVersion": "1.0.0" so every runtime reads the config the same way',
        },
      ]);
      expect(r.value?.cniVersion).toBe('1.0.0');
      expect(r.value?.cniVersionDefaulted).toBe(true);
    }
    const list = checkNadConfig('{"name":"n","plugins":[{"type":"bridge"}]}', opts);
    expect(list.value?.cniVersion).toBe('1.0.0');
    expect(single({ type: 'macvlan' }).value?.cniVersionDefaulted).toBeUndefined();
  });
  it('refuses unsupported versions, listing the supported ones', () => {
    const r = single({ cniVersion: '0.2.0', type: 'macvlan' });
    expect(r.findings[0]?.message).toMatch(/0\.3\.0, 0\.3\.1, 0\.4\.0, 1\.0\.0, 1\.1\.0/);
    expect(single({ cniVersion: '1.0', type: 'macvlan' }).findings[0]?.fix).toBe('write "1.0.0"');
    expect(errorFields(single({ cniVersion: 1, type: 'macvlan' }))).toEqual([
      'spec.config.cniVersion',
    ]);
  });
  it('takes the highest usable entry of cniVersions in a list', () => {
    const r = checkNadConfig(
      JSON.stringify({ cniVersions: ['0.4.0', '1.1.0', '9.0.0'], plugins: [{ type: 'bridge' }] }),
      opts,
    );
    expect(r.findings).toEqual([]);
    expect(r.value?.cniVersion).toBe('1.1.0');
  });
  it('refuses cniVersions that are malformed or only unsupported', () => {
    expect(
      errorFields(
        checkNadConfig(
          JSON.stringify({ cniVersions: ['1.0'], plugins: [{ type: 'bridge' }] }),
          opts,
        ),
      ),
    ).toEqual(['spec.config.cniVersions[0]']);
    expect(
      errorFields(
        checkNadConfig(
          JSON.stringify({ cniVersions: ['0.2.0'], plugins: [{ type: 'bridge' }] }),
          opts,
        ),
      ),
    ).toEqual(['spec.config.cniVersions']);
    expect(
      errorFields(
        checkNadConfig(
          JSON.stringify({ cniVersions: '1.0.0', plugins: [{ type: 'bridge' }] }),
          opts,
        ),
      ),
    ).toEqual(['spec.config.cniVersions']);
  });
  it('warns that a single plugin ignores cniVersions', () => {
    expect(warningFields(single({ type: 'macvlan', cniVersions: ['1.0.0'] }))).toEqual([
      'spec.config.cniVersions',
    ]);
  });
});

describe('single plugin or list', () => {
  it('presents a single plugin as a one-plugin list', () => {
    const r = single({ type: 'macvlan', master: 'eth1', ipam: HOST_LOCAL }, opts);
    expect(r.value?.plugins).toHaveLength(1);
    expect(r.value?.plugins[0]).toMatchObject({
      type: 'macvlan',
      master: 'eth1',
      name: 'macvlan-conf',
    });
    expect(r.value?.raw.plugins).toBeUndefined();
  });
  it('keeps a list and its order', () => {
    const r = list([{ type: 'bridge' }, { type: 'portmap', capabilities: { portMappings: true } }]);
    expect(r.value?.plugins.map((p) => p.type)).toEqual(['bridge', 'portmap']);
    expect(Array.isArray(r.value?.raw.plugins)).toBe(true);
  });
  it('refuses both type and plugins', () => {
    const r = checkNadConfig(
      JSON.stringify({ cniVersion: '1.0.0', type: 'macvlan', plugins: [{ type: 'bridge' }] }),
      opts,
    );
    expect(errorFields(r)).toEqual(['spec.config.type']);
  });
  it('refuses neither, an empty list and a non-list', () => {
    expect(errorFields(checkNadConfig('{"cniVersion":"1.0.0"}', opts))).toEqual(['spec.config']);
    expect(errorFields(list([]))).toEqual(['spec.config.plugins']);
    expect(
      errorFields(checkNadConfig('{"cniVersion":"1.0.0","plugins":{"type":"bridge"}}', opts)),
    ).toEqual(['spec.config.plugins']);
  });
  it('needs a string type on every plugin, with exact paths', () => {
    const r = list([
      { type: 'bridge' },
      { type: 'portmap', capabilities: { portMappings: true } },
      { mtu: 1400 },
      { type: 4 },
      'tuning',
    ]);
    expect(errorFields(r)).toEqual([
      'spec.config.plugins[2].type',
      'spec.config.plugins[3].type',
      'spec.config.plugins[4]',
    ]);
  });
  it('refuses a type that is a path (CVE-2021-20206)', () => {
    for (const type of ['../../usr/bin/curl', '/bin/sh', 'a\\b', '..', 'mac vlan', '']) {
      expect(errorFields(single({ type })), type).toEqual(['spec.config.type']);
    }
  });
  it('refuses an IPAM plugin used as the network plugin', () => {
    const r = single({ type: 'host-local', subnet: '10.1.0.0/24' });
    expect(errorFields(r)).toEqual(['spec.config.type']);
    expect(r.findings[0]?.fix).toMatch(/"ipam"/);
  });
  it('accepts third-party plugins unchecked; their reference IPAM gets the rules as warnings', () => {
    expect(single({ type: 'sriov', vlan: 'anything', deviceID: 1 }).findings).toEqual([]);
    const sriov = single({
      type: 'sriov',
      ipam: { type: 'host-local', ranges: [[{ subnet: '10.1.0.1/24' }]] },
    });
    expect(errorFields(sriov)).toEqual([]);
    expect(warningFields(sriov)).toEqual(['spec.config.ipam.ranges[0][0].subnet']);
    expect(sriov.findings[0]?.message).toMatch(
      /has host bits set.*; only a warning: "sriov" is not a reference plugin and may fill in its IPAM config itself/,
    );
    expect(sriov.value).toBeDefined();
  });
  it('lets Antrea and Calico fill in host-local themselves (no ranges, "usePodCidr")', () => {
    const antrea = single({ type: 'antrea', ipam: { type: 'host-local' } });
    expect(errorFields(antrea)).toEqual([]);
    expect(warningFields(antrea)).toEqual(['spec.config.ipam.ranges']);
    const calico = single({
      type: 'calico',
      mtu: 1410,
      ipam: { type: 'host-local', subnet: 'usePodCidr' },
      kubernetes: { kubeconfig: '/etc/cni/net.d/calico-kubeconfig' },
    });
    expect(errorFields(calico)).toEqual([]);
    expect(warningFields(calico)).toEqual(['spec.config.ipam.subnet']);
    // Under a reference plugin the same sections are errors: host-local itself would fail.
    expect(errorFields(single({ type: 'macvlan', ipam: { type: 'host-local' } }))).toEqual([
      'spec.config.ipam.ranges',
    ]);
    expect(
      errorFields(single({ type: 'bridge', ipam: { type: 'host-local', subnet: 'usePodCidr' } })),
    ).toEqual(['spec.config.ipam.subnet']);
    // What is wrong with ipam itself, not with host-local's reading of it, stays an error.
    expect(errorFields(single({ type: 'antrea', ipam: 'host-local' }))).toEqual([
      'spec.config.ipam',
    ]);
  });
  it('gives the exact path of a nested IPAM error in a list', () => {
    const r = list([
      { type: 'bridge' },
      {
        type: 'macvlan',
        ipam: { type: 'host-local', ranges: [[{ subnet: '10.1.0.0/24', rangeStart: '10.2.0.1' }]] },
      },
    ]);
    expect(errorFields(r)).toContain('spec.config.plugins[1].ipam.ranges[0][0].rangeStart');
  });
});

describe('chain order', () => {
  it('refuses a chained plugin alone or first', () => {
    expect(errorFields(single({ type: 'portmap', capabilities: { portMappings: true } }))).toEqual([
      'spec.config.type',
    ]);
    expect(errorFields(list([{ type: 'tuning' }, { type: 'bridge' }]))).toEqual([
      'spec.config.plugins[0].type',
    ]);
  });
  it('refuses two interface plugins in one list', () => {
    const r = list([{ type: 'macvlan' }, { type: 'tuning' }, { type: 'bridge' }]);
    expect(errorFields(r)).toEqual(['spec.config.plugins[2].type']);
    expect(r.findings[0]?.message).toMatch(/plugins\[0\]/);
  });
  it('knows dummy and tap create the interface, and vrf is chained (all reference plugins)', () => {
    expect(single({ type: 'dummy', ipam: HOST_LOCAL }).findings).toEqual([]);
    expect(
      list([
        { type: 'macvlan', master: 'eth0' },
        { type: 'vrf', vrfname: 'blue' },
      ]).findings,
    ).toEqual([]);
    expect(errorFields(single({ type: 'vrf', vrfname: 'blue' }))).toEqual(['spec.config.type']);
    expect(errorFields(list([{ type: 'bridge' }, { type: 'tap' }]))).toEqual([
      'spec.config.plugins[1].type',
    ]);
  });
  it('accepts loopback alone and a third-party plugin followed by chained ones', () => {
    expect(single({ type: 'loopback' }).findings).toEqual([]);
    expect(
      list([
        { type: 'ovs', bridge: 'br1' },
        { type: 'tuning' },
        { type: 'bandwidth', capabilities: { bandwidth: true } },
      ]).findings,
    ).toEqual([]);
  });
});

describe('list-level flags and shared plugin fields', () => {
  it('accepts booleans for disableCheck and disableGC', () => {
    expect(
      checkNadConfig(
        JSON.stringify({
          cniVersion: '1.1.0',
          disableCheck: true,
          disableGC: false,
          plugins: [{ type: 'bridge' }],
        }),
        opts,
      ).findings,
    ).toEqual([]);
  });
  it('warns about "true"/"false" strings (libcni accepts them) and refuses other values', () => {
    const r = checkNadConfig(
      JSON.stringify({
        cniVersion: '1.0.0',
        disableCheck: 'True',
        disableGC: 1,
        plugins: [{ type: 'bridge' }],
      }),
      opts,
    );
    expect(warningFields(r)).toEqual(['spec.config.disableCheck']);
    expect(errorFields(r)).toEqual(['spec.config.disableGC']);
  });
  it('needs objects for capabilities, runtimeConfig and args, and booleans inside capabilities', () => {
    const r = single({
      type: 'macvlan',
      capabilities: { ips: 'yes' },
      runtimeConfig: [],
      args: 'x',
    });
    expect(errorFields(r)).toEqual([
      'spec.config.capabilities.ips',
      'spec.config.runtimeConfig',
      'spec.config.args',
    ]);
  });
  it('accepts well-formed capabilities, runtimeConfig, args and dns', () => {
    const r = single({
      type: 'macvlan',
      capabilities: { ips: true, mac: false },
      runtimeConfig: { mac: '02:00:00:00:00:02' },
      args: { cni: { ips: ['10.1.0.5'] } },
      dns: { nameservers: ['10.0.0.10'] },
    });
    expect(r.findings).toEqual([]);
  });
  it('returns no config when there are errors, and one with warnings only', () => {
    expect(single({ type: 'macvlan', mode: 'nope' }).value).toBeUndefined();
    const warned = single({ type: 'macvlan', mtu: 0 });
    expect(warned.findings).toHaveLength(1);
    expect(warned.value).toBeDefined();
  });
});
