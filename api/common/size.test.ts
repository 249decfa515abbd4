import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsBytes, sizeFinding, utf8Length } from './size.ts';

describe('utf8Length', () => {
  it('counts as UTF-8 encodes (TextEncoder, which writes lone surrogates as U+FFFD)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
      }),
    );
    expect(utf8Length('a€😀')).toBe(1 + 3 + 4);
    expect(utf8Length('\ud800x')).toBe(3 + 1);
  });
});

describe('size guards', () => {
  it('decides from the UTF-16 length when it can, and counts bytes otherwise', () => {
    expect(exceedsBytes('a'.repeat(11), 10)).toBe(true);
    expect(exceedsBytes('a'.repeat(3), 10)).toBe(false);
    expect(exceedsBytes('€€€€', 10)).toBe(true);
    expect(exceedsBytes('€€€', 10)).toBe(false);
  });
  it('says the limit, why, and the fix', () => {
    const limit = { bytes: 4, label: '4 bytes', why: 'the most we read', fix: 'shorten it' };
    expect(sizeFinding('abc', 'f', limit)).toBeUndefined();
    expect(sizeFinding('abcde', 'f', limit)).toEqual({
      field: 'f',
      message: 'is larger than 4 bytes, the most we read',
      fix: 'shorten it',
      severity: 'error',
    });
  });
});
