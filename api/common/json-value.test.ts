import { describe, expect, it } from 'vitest';
import { FindingSink } from './finding-sink.ts';
import { error, warning } from './findings.ts';
import { readInteger, typeError } from './json-value.ts';

describe('the one phrasing of type and range errors', () => {
  it('says what was expected and what came, with a fix for quoted scalars', () => {
    expect(typeError('f', 'a string', 5)).toEqual(error('f', 'must be a string (got a number)'));
    expect(typeError('f', 'an integer', '42').fix).toBe('write 42 without quotes');
    expect(typeError('f', 'true or false', 'true').fix).toBe('write true without quotes');
    expect(typeError('f', 'a list', null).message).toBe('must be a list (got null)');
  });
  it('reads integers in a range', () => {
    const out: ReturnType<typeof error>[] = [];
    expect(readInteger(7, 'f', { min: 1, max: 9 }, out)).toBe(7);
    expect(readInteger(10, 'f', { min: 1, max: 9, fix: 'omit it' }, out)).toBeUndefined();
    expect(readInteger(1.5, 'f', { min: 1, max: 9 }, out)).toBeUndefined();
    expect(readInteger('3', 'f', { min: 1, max: 9 }, out)).toBeUndefined();
    expect(out.map((f) => [f.message, f.fix])).toEqual([
      ['must be an integer from 1 to 9 (got 10)', 'omit it'],
      ['must be an integer from 1 to 9 (got 1.5)', undefined],
      ['must be an integer (got a string)', 'write 3 without quotes'],
    ]);
  });
});

describe('FindingSink', () => {
  it('keeps up to its cap and counts the rest in one finding', () => {
    const sink = new FindingSink(2);
    sink.push(warning('a', 'w'));
    sink.push(warning('b', 'w'));
    sink.push(warning('c', 'w'));
    sink.push(error('d', 'e'));
    expect(sink.count).toBe(4);
    const out = sink.close('x');
    expect(out).toHaveLength(3);
    expect(out[2]).toMatchObject({ field: 'x', severity: 'error' });
    expect(out[2]?.message).toMatch(/^2 more finding\(s\) \(1 error\(s\)\)/);
  });
  it('adds nothing when nothing was left out', () => {
    const sink = new FindingSink(2);
    sink.push(warning('a', 'w'));
    expect(sink.close('x')).toEqual([warning('a', 'w')]);
  });
});
