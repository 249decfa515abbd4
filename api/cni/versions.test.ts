import { describe, expect, it } from 'vitest';
import {
  compareCniVersions,
  isSupportedCniVersion,
  negotiateCniVersion,
  parseCniVersion,
  SUPPORTED_CNI_VERSIONS,
} from './versions.ts';

// What the reference plugins v1.1.1 report for VERSION.
const REFERENCE_1_1_1 = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0'];

describe('isSupportedCniVersion', () => {
  it('accepts exactly the supported list', () => {
    for (const v of SUPPORTED_CNI_VERSIONS) expect(isSupportedCniVersion(v)).toBe(true);
  });
  it('rejects older, newer, short and non-string versions', () => {
    for (const v of [
      '0.1.0',
      '0.2.0',
      '1.2.0',
      '1.0',
      '1.0.0 ',
      'v1.0.0',
      '',
      1,
      null,
      undefined,
    ]) {
      expect(isSupportedCniVersion(v), String(v)).toBe(false);
    }
  });
});

describe('parseCniVersion', () => {
  it('parses x.y.z and nothing else', () => {
    expect(parseCniVersion('1.10.0')).toEqual([1, 10, 0]);
    for (const v of ['1.0', '01.0.0', '1.0.0-rc1', 'a.b.c', ''])
      expect(parseCniVersion(v), v).toBeUndefined();
  });
});

describe('compareCniVersions', () => {
  it('orders numerically, not as text', () => {
    expect(compareCniVersions('0.3.1', '0.4.0')).toBeLessThan(0);
    expect(compareCniVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareCniVersions('1.0.0', '1.0.0')).toBe(0);
  });
  it('sorts invalid text below valid versions without throwing', () => {
    expect(compareCniVersions('junk', '0.1.0')).toBeLessThan(0);
    expect(compareCniVersions('0.1.0', 'junk')).toBeGreaterThan(0);
    expect(['1.0.0', 'x', '0.3.1'].sort(compareCniVersions)).toEqual(['x', '0.3.1', '1.0.0']);
  });
});

describe('negotiateCniVersion', () => {
  it('never sends 1.1.0 to the reference plugins', () => {
    expect(negotiateCniVersion('1.1.0', REFERENCE_1_1_1)).toBe('1.0.0');
  });
  it('keeps the requested version when the plugin has it', () => {
    expect(negotiateCniVersion('0.3.1', REFERENCE_1_1_1)).toBe('0.3.1');
    expect(negotiateCniVersion('1.1.0', ['1.1.0', '1.0.0'])).toBe('1.1.0');
  });
  it('picks the highest lower version, whatever order the plugin lists them in', () => {
    expect(negotiateCniVersion('1.0.0', ['0.4.0', '0.3.1', '0.3.0'])).toBe('0.4.0');
  });
  it('never goes below what Plexus supports', () => {
    expect(negotiateCniVersion('1.0.0', ['0.1.0', '0.2.0'])).toBeUndefined();
    expect(negotiateCniVersion('0.3.0', ['0.3.1', '1.0.0'])).toBeUndefined();
  });
  it('returns undefined for an unparsable request', () => {
    expect(negotiateCniVersion('latest', REFERENCE_1_1_1)).toBeUndefined();
  });
});
