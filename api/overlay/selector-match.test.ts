import { describe, expect, it } from 'vitest';
import { matchesLabelSelector } from './selector.ts';

describe('matchesLabelSelector', () => {
  const labels = { zone: 'a', gpu: 'true' };
  it('matches everything without a selector, and with an empty one', () => {
    expect(matchesLabelSelector(undefined, labels)).toBe(true);
    expect(matchesLabelSelector({}, undefined)).toBe(true);
  });
  it('needs every matchLabels pair', () => {
    expect(matchesLabelSelector({ matchLabels: { zone: 'a' } }, labels)).toBe(true);
    expect(matchesLabelSelector({ matchLabels: { zone: 'a', gpu: 'false' } }, labels)).toBe(false);
    expect(matchesLabelSelector({ matchLabels: { zone: 'a' } }, undefined)).toBe(false);
    // An inherited property is not a label.
    expect(matchesLabelSelector({ matchLabels: { toString: 'x' } }, {})).toBe(false);
  });
  it('reads In, NotIn, Exists and DoesNotExist as the API server does', () => {
    const m = (operator: string, values?: string[], key = 'zone'): boolean =>
      matchesLabelSelector(
        { matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] },
        labels,
      );
    expect(m('In', ['a', 'b'])).toBe(true);
    expect(m('In', ['b'])).toBe(false);
    expect(m('In', ['a'], 'missing')).toBe(false);
    expect(m('NotIn', ['b'])).toBe(true);
    expect(m('NotIn', ['a'])).toBe(false);
    expect(m('NotIn', ['a'], 'missing')).toBe(true);
    expect(m('Exists')).toBe(true);
    expect(m('Exists', undefined, 'missing')).toBe(false);
    expect(m('DoesNotExist')).toBe(false);
    expect(m('DoesNotExist', undefined, 'missing')).toBe(true);
    expect(m('Gt', ['1'])).toBe(false);
  });
});
