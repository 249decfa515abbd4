// The one way user values enter a message: double-quoted, with quotes,
// backslashes, control, format and other invisible characters escaped, and cut
// short. Messages end up in admission responses, logs and terminals, so a value
// must neither flood them nor forge lines or colours in them.
import { describeType } from './json-value.ts';

/** Values longer than this (in code points) are cut, with "..." appended. */
export const MAX_QUOTED_LENGTH = 64;

// Control (C0, DEL, C1), format (bidi overrides, zero-width), surrogate,
// private-use and unassigned code points, and every separator but the space.
const INVISIBLE = /[\p{C}\p{Z}]/u;
const INVISIBLE_ALL = /[\p{C}\p{Z}"\\]/gu;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function escapeOne(c: string): string {
  if (c === ' ') return c;
  const short = SHORT_ESCAPES[c];
  if (short !== undefined) return short;
  const code = c.codePointAt(0) ?? 0;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `value` as `"…"` for a message: escaped, and cut to MAX_QUOTED_LENGTH code points. */
export function quote(value: string): string {
  let text = value;
  if (text.length > MAX_QUOTED_LENGTH) {
    const points = Array.from(text);
    if (points.length > MAX_QUOTED_LENGTH)
      text = `${points.slice(0, MAX_QUOTED_LENGTH - 3).join('')}...`;
  }
  if (!INVISIBLE.test(text) && !text.includes('"') && !text.includes('\\')) return `"${text}"`;
  return `"${text.replace(INVISIBLE_ALL, escapeOne)}"`;
}

/** Any JSON value for a message: a string quoted, a number, boolean or null
 * as written, anything else by its type ("a list", "an object"). */
export function quoteValue(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  return describeType(value);
}
