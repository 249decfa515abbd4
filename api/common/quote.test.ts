import { describe, expect, it } from 'vitest';
import { MAX_QUOTED_LENGTH, quote, quoteValue } from './quote.ts';

describe('quote', () => {
  it('double-quotes plain values unchanged', () => {
    expect(quote('macvlan-conf')).toBe('"macvlan-conf"');
    expect(quote('')).toBe('""');
    expect(quote('grüße')).toBe('"grüße"');
  });
  it('escapes quotes, backslashes, newlines and control characters', () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quote('x\ny\r\tz')).toBe('"x\\ny\\r\\tz"');
    expect(quote('\u001b[31mred')).toBe('"\\u001b[31mred"');
    expect(quote('del\u007f c1\u0085')).toBe('"del\\u007f c1\\u0085"');
  });
  it('escapes invisible and direction-changing characters', () => {
    expect(quote('abc\u202edef')).toBe('"abc\\u202edef"');
    expect(quote('zero\u200bwidth')).toBe('"zero\\u200bwidth"');
    expect(quote('nb\u00a0sp')).toBe('"nb\\u00a0sp"');
    expect(quote('lone \ud800')).toBe('"lone \\ud800"');
    expect(quote('line\u2028sep')).toBe('"line\\u2028sep"');
  });
  it('never puts a raw line break or escape character into a message', () => {
    const hostile = `evil\n${'\u001b'}[2Kfake: error: forged`;
    expect(['\n', '\r', '\u001b'].some((c) => quote(hostile).includes(c))).toBe(false);
  });
  it('cuts long values short, by code points', () => {
    const long = 'a'.repeat(300);
    const q = quote(long);
    expect(q).toBe(`"${'a'.repeat(MAX_QUOTED_LENGTH - 3)}..."`);
    const emoji = '😀'.repeat(100);
    expect(Array.from(quote(emoji).slice(1, -4))).toHaveLength(MAX_QUOTED_LENGTH - 3);
    expect(quote(emoji)).not.toMatch(/\\ud83d/);
  });
  it('shows other JSON values by value or by type', () => {
    expect(quoteValue(31)).toBe('31');
    expect(quoteValue(true)).toBe('true');
    expect(quoteValue(null)).toBe('null');
    expect(quoteValue([1, 2])).toBe('a list');
    expect(quoteValue({ a: 1 })).toBe('an object');
    expect(quoteValue('x"')).toBe('"x\\""');
  });
});
