import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ETCD_PREFIX_PATTERN } from '../resources/overlay-network.ts';
import { overlay } from '../testing/overlay.ts';
import { cleanKeyPath } from './etcd-prefix.ts';
import { checkOverlayNetwork } from './overlay-object.ts';
import { effectiveEtcdPrefix } from './resolved.ts';

const prefixFinding = (etcdPrefix: string) =>
  checkOverlayNetwork(overlay('x', { etcdPrefix })).findings.find(
    (f) => f.field === 'spec.etcdPrefix',
  );

describe('cleanKeyPath', () => {
  it("cleans as Go's path.Clean does", () => {
    // The examples of Go's path.Clean documentation, and flannel-style prefixes.
    const cases: [string, string][] = [
      ['a/c', 'a/c'],
      ['a//c', 'a/c'],
      ['a/c/.', 'a/c'],
      ['a/c/b/..', 'a/c'],
      ['/../a/c', '/a/c'],
      ['/../a/b/../././/c', '/a/c'],
      ['', '.'],
      ['..', '..'],
      ['../..', '../..'],
      ['/', '/'],
      ['/..', '/'],
      ['/plexus.dev/networks/x/../a', '/plexus.dev/networks/a'],
      ['/k8s/./network2/', '/k8s/network2'],
      ['/k8s/.../n', '/k8s/.../n'],
    ];
    for (const [path, clean] of cases) expect(cleanKeyPath(path), path).toBe(clean);
  });

  it('leaves every prefix the schema pattern accepts as it is', () => {
    const pattern = new RegExp(ETCD_PREFIX_PATTERN);
    const segment = fc.stringMatching(/^[a._/-]{0,6}$/);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (parts) => {
        const prefix = `/${parts.join('')}`;
        if (pattern.test(prefix)) expect(cleanKeyPath(prefix)).toBe(prefix);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('etcdPrefix segments', () => {
  it('refuses a ".." segment and says whose prefix flannel would read', () => {
    const f = prefixFinding('/plexus.dev/networks/x/../a');
    expect(f?.severity).toBe('error');
    expect(f?.message).toMatch(/"\.\." segment/);
    expect(f?.message).toMatch(/path\.Join/);
    expect(f?.message).toMatch(
      /\/plexus\.dev\/networks\/a, the default prefix of OverlayNetwork "a"/,
    );
    expect(f?.fix).toMatch(/without "\." or "\.\." segments/);
  });
  it('refuses ".", "..", "//" and all-dot segments anywhere', () => {
    for (const p of ['/k8s/./n', '/k8s/..', '/..', '/./k8s', '/k8s//n', '/k8s/.../n', '/...'])
      expect(prefixFinding(p)?.severity, p).toBe('error');
    expect(prefixFinding('/k8s//n')?.message).toMatch(/reads it as \/k8s\/n/);
  });
  it('accepts dots inside names', () => {
    for (const p of ['/coreos.com/network', '/k8s/.hidden', '/k8s/a..b', '/k8s/..x', '/k8s/x.'])
      expect(prefixFinding(p), p).toBeUndefined();
  });
  it('resolves to the key path flannel uses', () => {
    expect(effectiveEtcdPrefix('x', '/k8s/network2')).toBe('/k8s/network2');
    expect(effectiveEtcdPrefix('x', '/plexus.dev/networks/x/../a')).toBe('/plexus.dev/networks/a');
    expect(effectiveEtcdPrefix('blue', undefined)).toBe('/plexus.dev/networks/blue');
  });
});
