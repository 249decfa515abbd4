import { describe, expect, it } from 'vitest';
import { suggestKey, suggestName } from './suggest.ts';

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

describe('suggestName', () => {
  const known = ['coordinator', 'macvlan', 'ipvlan', 'vrf', 'sbr', 'host-local', 'ovs', 'bond'];
  it('finds the name one insertion, deletion, substitution or swap away', () => {
    expect(suggestName('coordinattor', known)).toBe('coordinator');
    expect(suggestName('macvln', known)).toBe('macvlan');
    expect(suggestName('ipvlam', known)).toBe('ipvlan');
    expect(suggestName('vfr', known)).toBe('vrf');
    expect(suggestName('Host_Local', known)).toBe('host-local');
  });
  it('gives nothing for known, distant or ambiguous names', () => {
    expect(suggestName('macvlan', known)).toBeUndefined();
    expect(suggestName('macvtap', known)).toBeUndefined();
    expect(suggestName('calico', known)).toBeUndefined();
    expect(suggestName('ovd', ['ovs', 'ovn'])).toBeUndefined();
  });
});
