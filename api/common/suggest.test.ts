import { describe, expect, it } from 'vitest';
import { suggestKey } from './suggest.ts';

describe('suggestKey', () => {
  const known = ['interface', 'ips', 'default-route', 'portMappings'];
  it('matches case, dash and underscore variants', () => {
    expect(suggestKey('Default_Route', known)).toBe('default-route');
    expect(suggestKey('portmappings', known)).toBe('portMappings');
  });
  it('matches small typos and aliases', () => {
    expect(suggestKey('interfce', known)).toBe('interface');
    expect(suggestKey('ifname', known, new Map([['ifname', 'interface']]))).toBe('interface');
  });
  it('gives no hint for unrelated or ambiguous keys', () => {
    expect(suggestKey('colour', known)).toBeUndefined();
    expect(suggestKey('ab', ['ac', 'ad'])).toBeUndefined();
  });
});
