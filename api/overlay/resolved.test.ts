import { describe, expect, it } from 'vitest';
import { overlay } from '../testing/overlay.ts';
import { checkOverlayNetwork } from './overlay-object.ts';
import { checkOverlayNetworkSpec } from './overlay-spec.ts';
import { effectiveEtcdPrefix } from './resolved.ts';

const effectiveOverlayConfig = (spec: unknown) => checkOverlayNetworkSpec(spec).value?.config;
const etcdPrefixOf = (on: unknown) => checkOverlayNetwork(on).value?.etcdPrefix;

describe('effectiveOverlayConfig', () => {
  it('fills in every default', () => {
    expect(effectiveOverlayConfig(overlay('blue').spec)).toEqual({
      network: '173.17.0.0/16',
      subnetLen: 24,
      subnetMin: '173.17.1.0',
      subnetMax: '173.17.255.0',
      capacity: 255,
      backend: { type: 'vxlan', vni: 2, port: 8472, directRouting: false },
      ipMasq: true,
    });
  });
  it('keeps explicit values', () => {
    const spec = overlay('blue', {
      network: '10.5.0.0/22',
      subnetLen: 26,
      subnetMin: '10.5.0.64',
      subnetMax: '10.5.1.0',
      mtu: 1400,
      ipMasq: false,
      backend: { vni: 7, port: 4789, directRouting: true },
    }).spec;
    expect(effectiveOverlayConfig(spec)).toEqual({
      network: '10.5.0.0/22',
      subnetLen: 26,
      subnetMin: '10.5.0.64',
      subnetMax: '10.5.1.0',
      capacity: 4,
      backend: { type: 'vxlan', vni: 7, port: 4789, directRouting: true },
      mtu: 1400,
      ipMasq: false,
    });
  });
  it('uses prefix + 2 below /22', () => {
    expect(effectiveOverlayConfig(overlay('x', { network: '10.5.0.0/24' }).spec)).toMatchObject({
      subnetLen: 26,
      subnetMin: '10.5.0.64',
      subnetMax: '10.5.0.192',
      capacity: 3,
    });
  });
  it('is undefined for a spec with errors', () => {
    expect(effectiveOverlayConfig(overlay('x', { network: '10.5.0.1/16' }).spec)).toBeUndefined();
    expect(effectiveOverlayConfig({ network: '10.5.0.0/16' })).toBeUndefined();
    expect(effectiveOverlayConfig(undefined)).toBeUndefined();
    expect(checkOverlayNetworkSpec(overlay('x', { subnetLen: 17 }).spec).value).toBeUndefined();
  });
});

describe('the effective etcd prefix', () => {
  it('is computed in one place: explicit, else from the name, else unknown', () => {
    expect(effectiveEtcdPrefix('blue', undefined)).toBe('/plexus.dev/networks/blue');
    expect(effectiveEtcdPrefix('blue', '/k8s/n')).toBe('/k8s/n');
    expect(effectiveEtcdPrefix(undefined, undefined)).toBeUndefined();
  });
  it('defaults to /plexus.dev/networks/<name>', () => {
    expect(etcdPrefixOf(overlay('blue'))).toBe('/plexus.dev/networks/blue');
  });
  it('uses spec.etcdPrefix when set', () => {
    expect(etcdPrefixOf(overlay('blue', { etcdPrefix: '/k8s/network2' }))).toBe('/k8s/network2');
  });
});
