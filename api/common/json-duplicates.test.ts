import { describe, expect, it } from 'vitest';
import { describeJsonValueAt, findDuplicateKeys } from './json-duplicates.ts';

const exact = { ignoreCase: false, max: 100 };
const caseless = { ignoreCase: true, max: 100 };

describe('findDuplicateKeys', () => {
  it('finds a key set twice, with its object path and the last value', () => {
    const text = '{"a": [{"x": 1}, {"k": 1, "b": {"k": 2}, "k": "last"}]}';
    const { duplicates } = findDuplicateKeys(text, exact);
    expect(duplicates).toHaveLength(1);
    const d = duplicates[0];
    expect(d?.path).toEqual(['a', 1]);
    expect(d?.spellings).toEqual(['k']);
    expect(d?.count).toBe(2);
    expect(describeJsonValueAt(text, d?.lastValueAt.get('k') ?? -1)).toBe('"last"');
  });
  it('reads escaped keys as Go and JSON.parse do, and counts every repeat', () => {
    const { duplicates } = findDuplicateKeys('{"type": 1, "typ\\u0065": 2, "type": [3]}', exact);
    expect(duplicates.map((d) => [d.spellings, d.count])).toEqual([[['type'], 3]]);
  });
  it('does not mistake string values, or keys of other objects, for repeats', () => {
    const text = '{"a": "a", "b": {"a": 1}, "c": ["a", {"a": 2}], "d": "\\"a\\": 1"}';
    expect(findDuplicateKeys(text, caseless).duplicates).toEqual([]);
  });
  it('treats case variants as one key only where asked', () => {
    const text = '{"Type": "a", "type": "b", "capabilities": {"ips": true, "IPS": false}}';
    const opts = { ...caseless, caseSensitiveUnder: new Set(['capabilities']) };
    expect(findDuplicateKeys(text, opts).duplicates.map((d) => d.spellings)).toEqual([
      ['Type', 'type'],
    ]);
    expect(findDuplicateKeys(text, exact).duplicates).toEqual([]);
  });
  it('reports at most max and counts the rest', () => {
    const text = `{${Array.from({ length: 10 }, (_, i) => `"k${i}": 1, "k${i}": 2`).join(', ')}}`;
    const scan = findDuplicateKeys(text, { ignoreCase: false, max: 3 });
    expect(scan.duplicates).toHaveLength(3);
    expect(scan.more).toBe(7);
  });
  it('scans deep nesting without recursion', () => {
    const depth = 200_000;
    const text = `${'['.repeat(depth)}{"a": 1, "a": 2}${']'.repeat(depth)}`;
    const { duplicates } = findDuplicateKeys(text, exact);
    expect(duplicates[0]?.path).toHaveLength(depth);
  });
  it('describes values by kind', () => {
    const text = '[{"a": 1}, [1], -1.5e3, true, null, "x\\ny"]';
    expect([1, 11, 16, 24, 30, 36].map((at) => describeJsonValueAt(text, at))).toEqual([
      'an object',
      'a list',
      '-1.5e3',
      'true',
      'null',
      '"x\\ny"',
    ]);
  });
});
