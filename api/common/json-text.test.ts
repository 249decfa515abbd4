import { describe, expect, it } from 'vitest';
import { locateJsonSyntaxError, parseJsonText } from './json-text.ts';

describe('parseJsonText', () => {
  it('returns the value of valid JSON', () => {
    expect(parseJsonText('{"a": [1, "x", null, true]}')).toEqual({
      ok: true,
      value: { a: [1, 'x', null, true] },
    });
  });
  it('reports line and column of the first error', () => {
    const r = parseJsonText('{\n  "a": 1,\n  "b": }');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ line: 3, column: 8, offset: 19 });
  });
});

describe('locateJsonSyntaxError', () => {
  it('accepts valid JSON, including nesting and escapes', () => {
    for (const ok of [
      '{}',
      '[]',
      ' 1 ',
      '"a\\u00e9\\n"',
      '{"a":{"b":[[],{}]},"c":-1.5e3}',
      '[true,false,null]',
    ]) {
      expect(locateJsonSyntaxError(ok), ok).toBeUndefined();
    }
  });
  it('names the common mistakes with a fix', () => {
    const cases: [string, RegExp, number][] = [
      ["{'a': 1}", /single-quoted/, 1],
      ['{"a": 1,}', /trailing comma/, 8],
      ['[1, 2,]', /trailing comma/, 6],
      ['{"a": 1', /ends before the closing "}"/, 7],
      ['{"a" 1}', /":"/, 5],
      ['{"a": 01}', /invalid number/, 7],
      ['{"a": "x\ny"}', /control character/, 8],
      ['{"a": "\\q"}', /invalid escape/, 7],
      ['{"a": 1} {}', /after the end/, 9],
      ['{"a": tru}', /unexpected "t"/, 6],
      ['', /empty/, 0],
      ['\uFEFF{}', /U\+FEFF/, 0],
    ];
    for (const [text, reason, offset] of cases) {
      const e = locateJsonSyntaxError(text);
      expect(e?.reason, text).toMatch(reason);
      expect(e?.offset, text).toBe(offset);
    }
  });
  it('handles very deep nesting without recursion', () => {
    const deep = '['.repeat(200_000);
    expect(locateJsonSyntaxError(deep)?.reason).toMatch(/ends/);
  });
  it('agrees with JSON.parse on what is valid', () => {
    for (const text of [
      '{"a":1}',
      '{"a":1',
      '[1,]',
      '"\\u12"',
      '-',
      '-0',
      '1e',
      '0.5',
      '{"a":[}',
    ]) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(locateJsonSyntaxError(text) === undefined, text).toBe(valid);
    }
  });
});
