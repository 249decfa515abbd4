import { describe, expect, it } from 'vitest';
import { attachesTo, generatedFor, generatedNad, generatedNadConfig } from './generated-nad.ts';

describe('generated NADs', () => {
  it('carries the plexus-overlay config of the design', () => {
    expect(generatedNadConfig('blue')).toBe(
      '{"cniVersion":"1.0.0","name":"blue","type":"plexus-overlay","network":"blue"}',
    );
    const nad = generatedNad('blue', 'team-a');
    expect(nad.metadata).toMatchObject({ name: 'blue', namespace: 'team-a' });
    expect(generatedFor(nad.metadata.labels)).toBe('blue');
    expect(generatedFor({ 'plexus.dev/overlay-network': 'blue' })).toBeUndefined();
    expect(generatedFor(undefined)).toBeUndefined();
  });
  it('attaches to listed namespaces, or to those the selector matches', () => {
    expect(attachesTo({ namespaces: ['default'] }, 'default', undefined)).toBe(true);
    expect(attachesTo({ namespaces: ['default'] }, 'other', { team: 'a' })).toBe(false);
    const sel = { namespaces: [], selector: { matchLabels: { team: 'a' } } };
    expect(attachesTo(sel, 'x', { team: 'a' })).toBe(true);
    expect(attachesTo(sel, 'x', { team: 'b' })).toBe(false);
    expect(attachesTo({ namespaces: [], selector: {} }, 'any', undefined)).toBe(true);
  });
});
