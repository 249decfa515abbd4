import { describe, expect, it } from 'vitest';
import { dns1123LabelProblem, dns1123SubdomainProblem, interfaceNameProblem } from './names.ts';

describe('names', () => {
  it('DNS-1123 labels', () => {
    expect(dns1123LabelProblem('macvlan-conf')).toBeUndefined();
    expect(dns1123LabelProblem('Macvlan')).toMatch(/lower-case/);
    expect(dns1123LabelProblem('a.b')).toMatch(/lower-case/);
    expect(dns1123LabelProblem('-a')).toBeDefined();
    expect(dns1123LabelProblem('a'.repeat(64))).toMatch(/63/);
    expect(dns1123LabelProblem('')).toMatch(/empty/);
  });
  it('DNS-1123 subdomains', () => {
    expect(dns1123SubdomainProblem('a.b-c.d')).toBeUndefined();
    expect(dns1123SubdomainProblem('a..b')).toBeDefined();
    expect(dns1123SubdomainProblem('a'.repeat(254))).toMatch(/253/);
  });
  it('interface names', () => {
    expect(interfaceNameProblem('net1')).toBeUndefined();
    expect(interfaceNameProblem('a'.repeat(15))).toBeUndefined();
    expect(interfaceNameProblem('a'.repeat(16))).toMatch(/15 bytes/);
    expect(interfaceNameProblem('ééééééé€')).toMatch(/15 bytes/); // 17 bytes, 8 chars
    expect(interfaceNameProblem('.')).toBeDefined();
    expect(interfaceNameProblem('..')).toBeDefined();
    expect(interfaceNameProblem('a/b')).toBeDefined();
    expect(interfaceNameProblem('a:b')).toBeDefined();
    expect(interfaceNameProblem('a b')).toBeDefined();
    expect(interfaceNameProblem('a\tb')).toBeDefined();
    expect(interfaceNameProblem('')).toBeDefined();
  });
});
