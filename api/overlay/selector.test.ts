import { describe, expect, it } from 'vitest';
import type { Finding } from '../common/findings.ts';
import { checkLabelSelector as check, labelKeyProblem, labelValueProblem } from './selector.ts';

const checkLabelSelector = (sel: unknown, field: string): Finding[] => check(sel, field).findings;

describe('the typed selector', () => {
  it('is the value of a valid selector, and absent with an error', () => {
    const sel = {
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }],
    };
    expect(check(sel, 's')).toEqual({ findings: [], value: sel });
    expect(check({ matchLabels: { a: 1 } }, 's').value).toBeUndefined();
  });
});

describe('label keys and values', () => {
  it('accepts prefixed and plain keys', () => {
    expect(labelKeyProblem('kubernetes.io/os')).toBeUndefined();
    expect(labelKeyProblem('app')).toBeUndefined();
  });
  it('rejects bad prefixes, empty and long names', () => {
    expect(labelKeyProblem('Bad_Prefix/x')).toMatch(/prefix/);
    expect(labelKeyProblem('a/')).toMatch(/empty/);
    expect(labelKeyProblem('a'.repeat(64))).toMatch(/63/);
    expect(labelKeyProblem('-a')).toBeDefined();
  });
  it('values may be empty but not malformed', () => {
    expect(labelValueProblem('')).toBeUndefined();
    expect(labelValueProblem('v1.2_x')).toBeUndefined();
    expect(labelValueProblem('a b')).toBeDefined();
    expect(labelValueProblem('a'.repeat(64))).toMatch(/63/);
  });
});

describe('checkLabelSelector', () => {
  it('accepts well-formed selectors, including the empty one', () => {
    expect(checkLabelSelector({}, 's')).toEqual([]);
    expect(
      checkLabelSelector(
        {
          matchLabels: { 'kubernetes.io/os': 'linux' },
          matchExpressions: [
            { key: 'zone', operator: 'In', values: ['a'] },
            { key: 'gpu', operator: 'DoesNotExist' },
          ],
        },
        's',
      ),
    ).toEqual([]);
  });
  it('requires values for In/NotIn and none for Exists/DoesNotExist', () => {
    expect(
      checkLabelSelector({ matchExpressions: [{ key: 'zone', operator: 'In' }] }, 's'),
    ).toMatchObject([{ field: 's.matchExpressions[0].values', severity: 'error' }]);
    expect(
      checkLabelSelector(
        { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: [] }] },
        's',
      )[0]?.fix,
    ).toMatch(/DoesNotExist/);
    expect(
      checkLabelSelector(
        { matchExpressions: [{ key: 'zone', operator: 'Exists', values: ['a'] }] },
        's',
      )[0]?.message,
    ).toMatch(/must be empty/);
  });
  it('reports wrong types, unknown operators and fields', () => {
    expect(checkLabelSelector('x', 's')[0]?.field).toBe('s');
    expect(checkLabelSelector({ matchLabels: { a: 1 } }, 's')[0]?.field).toBe('s.matchLabels.a');
    expect(checkLabelSelector({ matchLabels: { 'a/b/c': 'x' } }, 's')[0]?.field).toBe(
      's.matchLabels[a/b/c]',
    );
    expect(
      checkLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Has' }] }, 's')[0]?.fix,
    ).toMatch(/In, NotIn/);
    expect(checkLabelSelector({ matchExpresions: [] }, 's')[0]?.field).toBe('s.matchExpresions');
    expect(checkLabelSelector({ matchExpressions: [{ operator: 'Exists' }] }, 's')[0]?.field).toBe(
      's.matchExpressions[0].key',
    );
    expect(
      checkLabelSelector(
        { matchExpressions: [{ key: 'a', operator: 'In', values: ['ok', 'not ok'] }] },
        's',
      )[0]?.field,
    ).toBe('s.matchExpressions[0].values[1]');
  });
});
