import { describe, expect, it } from 'vitest';
import { checkNadConfig } from '../../api/cni/index.ts';
import type { NormalizedNetConf } from '../../api/cni/index.ts';
import { checkPodNetworkAnnotations } from '../../api/npwg/index.ts';
import { CniFailure } from '../cni/cni-error.ts';
import { clusterNetworkOf, planDelegates } from './delegate-plan.ts';

function nad(name: string, config: Record<string, unknown>): NormalizedNetConf {
  const r = checkNadConfig(JSON.stringify(config), { nadName: name });
  if (r.value === undefined) throw new Error(JSON.stringify(r.findings));
  return r.value;
}

const cluster = clusterNetworkOf({
  cniVersion: '1.0.0',
  name: 'default',
  plugins: [
    { type: 'bridge', bridge: 'cni0', ipam: {} },
    { type: 'portmap', capabilities: { portMappings: true } },
  ],
});
const macvlan = { cniVersion: '1.0.0', type: 'macvlan', master: 'eth0', ipam: { type: 'static' } };
const configs = new Map([
  ['ns/a', nad('a', { ...macvlan, args: { cni: { keep: 'yes', over: 'nad' } } })],
  [
    'other/b',
    nad('b', { ...macvlan, capabilities: { ips: true, mac: true }, disableCheck: 'true' }),
  ],
]);

function networks(value: string, extra: Record<string, string> = {}) {
  const c = checkPodNetworkAnnotations({ 'k8s.v1.cni.cncf.io/networks': value, ...extra }, 'ns');
  if (c.value === undefined) throw new Error(JSON.stringify(c.findings));
  return c.value;
}

describe('planDelegates', () => {
  const input = {
    clusterNetwork: cluster,
    clusterIfName: 'eth0',
    runtimeCapabilityArgs: { portMappings: [{ hostPort: 1, containerPort: 2 }] },
    nadConfigs: configs,
  };

  it('puts the cluster network first on CNI_IFNAME, then the elements in order, net<N> unless named', () => {
    const plan = planDelegates({ ...input, networks: networks('a, other/b@data0, a') });
    expect(plan.map((d) => [d.name, d.ifName, d.isDefault])).toEqual([
      ['default', 'eth0', true],
      ['ns/a', 'net1', false],
      ['other/b', 'data0', false],
      ['ns/a', 'net3', false],
    ]);
    // The runtime's runtimeConfig goes to the cluster network only (NPWG §7.5).
    expect(plan[0]?.capabilityArgs).toEqual(input.runtimeCapabilityArgs);
    expect(plan[1]?.capabilityArgs).toEqual({});
    expect(plan[2]?.network.disableCheck).toBe(true);
  });

  it('passes ips and mac to a network declaring them; fails one that declares no such capability', () => {
    const ok = planDelegates({
      ...input,
      networks: networks(
        '[{"name":"b","namespace":"other","ips":["10.0.0.5/24"],"mac":"02:00:00:00:00:05"}]',
      ),
    });
    expect(ok[1]?.capabilityArgs).toEqual({ ips: ['10.0.0.5/24'], mac: '02:00:00:00:00:05' });
    expect(() =>
      planDelegates({ ...input, networks: networks('[{"name":"a","ips":["10.0.0.5/24"]}]') }),
    ).toThrow(/no plugin of ns\/a declares the "ips" capability/);
    expect(() =>
      planDelegates({
        ...input,
        networks: networks('[{"name":"a","portMappings":[{"hostPort":80,"containerPort":80}]}]'),
      }),
    ).toThrow(CniFailure);
  });

  it('merges cni-args over each plugin’s args.cni, and carries default-route', () => {
    const plan = planDelegates({
      ...input,
      networks: networks(
        '[{"name":"a","cni-args":{"over":"pod","new":1},"default-route":["10.0.0.1"]}]',
      ),
    });
    expect(plan[1]?.network.plugins[0]?.args).toEqual({
      cni: { keep: 'yes', over: 'pod', new: 1 },
    });
    expect(plan[1]?.defaultRoute).toEqual(['10.0.0.1']);
  });

  it('refuses more attachments than a CNI call can add in time', () => {
    expect(
      planDelegates({ ...input, networks: networks(Array(64).fill('a').join(',')) }),
    ).toHaveLength(65);
    expect(() =>
      planDelegates({ ...input, networks: networks(Array(65).fill('a').join(',')) }),
    ).toThrow(/asks for 65 attachments; a pod may have at most 64/);
  });

  it('replaces the cluster network with the default-network annotation', () => {
    const plan = planDelegates({
      ...input,
      networks: networks('', { 'v1.multus-cni.io/default-network': 'other/b' }),
    });
    expect(plan.map((d) => [d.name, d.ifName, d.isDefault])).toEqual([['other/b', 'eth0', true]]);
    expect(plan[0]?.capabilityArgs).toEqual(input.runtimeCapabilityArgs);
  });
});

describe('clusterNetworkOf', () => {
  it('reads a single-plugin config and a list, choosing the version as libcni does', () => {
    expect(clusterNetworkOf({ cniVersion: '0.3.1', name: 'one', type: 'bridge' })).toEqual({
      name: 'one',
      cniVersion: '0.3.1',
      plugins: [{ type: 'bridge' }],
    });
    expect(
      clusterNetworkOf({
        cniVersion: '0.4.0',
        cniVersions: ['1.0.0', '9.9.9'],
        name: 'l',
        plugins: [{ type: 'x', cniVersion: '0.1.0' }],
        disableGC: true,
      }),
    ).toEqual({ name: 'l', cniVersion: '1.0.0', plugins: [{ type: 'x' }], disableGC: true });
  });

  it('fails with a message naming what is wrong', () => {
    expect(() => clusterNetworkOf(undefined)).toThrow(/names no cluster network/);
    expect(() => clusterNetworkOf({ cniVersion: '0.1.0', type: 'x' })).toThrow(
      /cniVersion "0.1.0"/,
    );
    expect(() => clusterNetworkOf({ cniVersion: '1.0.0', plugins: [{}] })).toThrow(/has no "type"/);
  });
});
