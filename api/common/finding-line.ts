// A finding as one line of text, the same words everywhere: `FIELD: MESSAGE; fix: FIX`, with
// control, format and other invisible characters escaped, so that no field path (it may carry a
// user's map key) or message can forge a line or colour a terminal. `plexus validate` prints
// these lines, and the webhooks put them into admission responses.
import type { Finding } from './findings.ts';

// Control, format (bidi overrides, zero-width), private-use, unassigned and
// surrogate code points, and line/paragraph separators.
const UNSAFE = /[\p{C}\u2028\u2029]/gu;
const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Text safe for one terminal line: invisible and control characters as escapes. */
export function escapeForLine(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return (
      SHORT[c] ??
      (code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`)
    );
  });
}

/** `FIELD: MESSAGE[; fix: FIX]` on one line. */
export function findingLine(f: Finding): string {
  const message = f.fix === undefined ? f.message : `${f.message}; fix: ${f.fix}`;
  return `${escapeForLine(f.field)}: ${escapeForLine(message)}`;
}
