import { describe, expect, it } from 'vitest';
import type { Finding } from '../common/findings.ts';
import { HOST_LOCAL, list, single } from '../testing/nad-config.ts';
import { PLUGIN_OWN_KEYS } from './known-keys.ts';
import { checkNadConfig } from './nad-config.ts';

const warningsOf = (findings: Finding[]) =>
  findings.filter((f) => f.severity === 'warning').map((f) => [f.field, f.fix]);

/** Keys one letter apart: every typo of one is as near the other, so no hint
 * can be sure (a wrong hint is worse than none); a spelling variant still gets one. */
const NEAR_TWINS: Readonly<Record<string, string>> = {
  conditionsV4: 'conditions_V4',
  conditionsV6: 'conditions_V6',
};

/** A typo of `key`: the last letter dropped (short keys), or the last two swapped. */
function typo(key: string): string {
  const twin = NEAR_TWINS[key];
  if (twin !== undefined) return twin;
  if (key.length <= 4) return key.slice(0, -1);
  return `${key.slice(0, -2)}${key.at(-1)}${key.at(-2)}`;
}

describe('misspelt keys of the reference plugins', () => {
  it('get "did you mean" for the issue\'s examples: rangeStop, route', () => {
    const r = single({
      type: 'macvlan',
      master: 'eth0',
      ipam: {
        type: 'host-local',
        ranges: [[{ subnet: '10.1.0.0/24', rangeStart: '10.1.0.10', rangeStop: '10.1.0.20' }]],
        route: [{ dst: '0.0.0.0/0' }],
      },
    });
    expect(r.findings.map((f) => [f.severity, f.field, f.message, f.fix])).toEqual([
      [
        'warning',
        'spec.config.ipam.route',
        'is not a field of host-local, which ignores it',
        'did you mean "routes"?',
      ],
      [
        'warning',
        'spec.config.ipam.ranges[0][0].rangeStop',
        'is not a field of a host-local range, which ignores it',
        'did you mean "rangeEnd"?',
      ],
    ]);
    expect(r.value).toBeDefined();
  });

  it("cover every plugin-specific key of every reference plugin (and Plexus's own)", () => {
    const missed: string[] = [];
    for (const [type, keys] of Object.entries(PLUGIN_OWN_KEYS)) {
      for (const key of keys) {
        const wrong = typo(key);
        if (wrong === key || keys.includes(wrong)) continue;
        const field = `spec.config.${wrong}`;
        const got = single({ type, [wrong]: 1 }).findings.find((f) => f.field === field);
        if (got?.severity !== 'warning' || got.fix !== `did you mean "${key}"?`)
          missed.push(`${type}: ${wrong} → ${got?.fix ?? 'no finding'}`);
      }
    }
    expect(missed).toEqual([]);
  });

  it('cover the reference IPAMs and the objects inside them', () => {
    const r = list([
      {
        type: 'bridge',
        vlanTrunk: [{ minId: 2, maxID: 3 }],
        ipam: {
          type: 'static',
          address: [{ address: '10.1.1.5/24' }],
          routes: [{ dst: '0.0.0.0/0', gateway: '10.1.1.1' }],
          dns: { nameserver: ['10.1.1.2'] },
        },
      },
    ]);
    expect(warningsOf(r.findings)).toEqual([
      ['spec.config.plugins[0].ipam.address', 'did you mean "addresses"?'],
      ['spec.config.plugins[0].ipam.routes[0].gateway', 'did you mean "gw"?'],
      ['spec.config.plugins[0].ipam.dns.nameserver', 'did you mean "nameservers"?'],
      ['spec.config.plugins[0].vlanTrunk[0].minId', 'write "minID"'],
    ]);
    const dhcp = single({ type: 'macvlan', ipam: { type: 'dhcp', daemonSocketPth: '/x' } });
    expect(warningsOf(dhcp.findings)).toEqual([
      ['spec.config.ipam.daemonSocketPth', 'did you mean "daemonSocketPath"?'],
    ]);
  });

  it('say when Go would still read a key written in another case', () => {
    const r = single({ type: 'vlan', master: 'eth0', vlanID: 5, ipam: HOST_LOCAL });
    const f = r.findings.find((x) => x.field === 'spec.config.vlanID');
    expect(f?.message).toBe(
      'vlan reads it as "vlanId" (Go matches fields regardless of case), but other tools and Plexus\'s checks do not',
    );
  });

  it('cover capabilities and the network list', () => {
    const r = checkNadConfig(
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'n',
        disableChek: true,
        plugins: [{ type: 'bridge', capabilities: { portMapping: true } }],
      }),
      { nadName: 'n' },
    ).findings;
    expect(warningsOf(r)).toContainEqual([
      'spec.config.disableChek',
      'did you mean "disableCheck"?',
    ]);
    expect(warningsOf(r)).toContainEqual([
      'spec.config.plugins[0].capabilities.portMapping',
      'did you mean "portMappings"?',
    ]);
  });

  it('leave third-party plugins and keys far from any known one alone', () => {
    expect(single({ type: 'sriov', vlan: 5, spoofchk: 'on', trust: 'on' }).findings).toEqual([]);
    expect(single({ type: 'macvlan', master: 'eth0', logLevel: 'debug' }).findings).toEqual([]);
  });
});

describe('plugin types one letter off', () => {
  it('get "did you mean", for plugins and IPAM types', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ type: 'coordinattor' }, 'spec.config.type', 'did you mean "coordinator"?'],
      [{ type: 'macvlna' }, 'spec.config.type', 'did you mean "macvlan"?'],
      [{ type: 'host-devcie' }, 'spec.config.type', 'did you mean "host-device"?'],
      [{ type: 'Bridge' }, 'spec.config.type', 'did you mean "bridge"?'],
      [{ type: 'sriov-cni' }, 'spec.config.type', ''],
      [
        { type: 'macvlan', ipam: { type: 'whereabout' } },
        'spec.config.ipam.type',
        'did you mean "whereabouts"?',
      ],
    ];
    for (const [plugin, field, fix] of cases) {
      const r = single(plugin);
      const f = r.findings.find((x) => x.field === field);
      if (fix === '') expect(f, JSON.stringify(plugin)).toBeUndefined();
      else {
        expect(f?.severity, JSON.stringify(plugin)).toBe('warning');
        expect(f?.fix).toBe(fix);
      }
    }
    expect(single({ type: 'coordinattor' }).findings[0]?.message).toBe(
      'plugin type "coordinattor" is not one Plexus knows, and close to "coordinator": the runtime runs the binary of exactly this name',
    );
  });
  it('leave known types alone', () => {
    for (const type of ['ovs', 'sriov', 'bond', 'calico', 'antrea', 'kube-ovn', 'route-override'])
      expect(single({ type }).findings, type).toEqual([]);
  });
});
