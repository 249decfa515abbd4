// Turns file bytes into text the way kubectl's YAML reader accepts them:
// UTF-8 only (a UTF-8 byte order mark is allowed), never silently repaired,
// and none of the control characters go-yaml refuses. UTF-16 and binary files
// are named as such, so nobody hunts for a syntax error that is not there.
import { isUtf8 } from 'node:buffer';

/** Why bytes are not acceptable text; the position is 1-based. */
export interface TextProblem {
  message: string;
  fix: string;
  line?: number;
  column?: number;
}

const SAVE_AS_UTF8 = 'save the file as UTF-8 text';

/** A whole-file look: UTF-16/UTF-32 byte order marks and NUL bytes mean the
 * file is not UTF-8 text at all (kubectl would fail on it, or worse, read only
 * its first document). */
export function sniffEncoding(bytes: Uint8Array): TextProblem | undefined {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    return {
      message: 'is UTF-16 text (it starts with a UTF-16 byte order mark), not UTF-8',
      fix: SAVE_AS_UTF8,
    };
  }
  if (b0 === 0 && b1 === 0 && bytes[2] === 0xfe && bytes[3] === 0xff) {
    return { message: 'is UTF-32 text, not UTF-8', fix: SAVE_AS_UTF8 };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const utf16 = looksLikeUtf16(bytes);
    return {
      message: utf16
        ? 'is not UTF-8 text: it has NUL bytes between its characters, as UTF-16 text does'
        : `is not UTF-8 text: it has a NUL byte at offset ${nul}, as binary files do`,
      fix: utf16 ? SAVE_AS_UTF8 : 'give plexus validate manifest files only',
      ...lineAndColumn(bytes, nul),
    };
  }
  return undefined;
}

/** Mostly-ASCII UTF-16 without a byte order mark: a NUL in every other byte,
 * all on the same side. */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512) & ~1;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    if (bytes[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  const half = n / 2;
  return (even === 0 && odd >= half * 0.4) || (odd === 0 && even >= half * 0.4);
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes UTF-8 strictly (a leading byte order mark is dropped), or says
 * where the first invalid byte is. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { problem: TextProblem } {
  if (isUtf8(bytes)) return { text: decoder.decode(bytes) };
  const at = firstInvalidUtf8(bytes);
  return {
    problem: {
      message: `is not UTF-8 text: byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} is not valid UTF-8 there`,
      fix: `${SAVE_AS_UTF8} (kubectl rejects invalid UTF-8 too)`,
      ...lineAndColumn(bytes, at),
    },
  };
}

// go-yaml (libyaml) accepts only these characters anywhere in the stream, comments included.
const NOT_ALLOWED_IN_YAML = /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** The first character go-yaml refuses ("control characters are not allowed"). */
export function controlCharacterProblem(text: string): TextProblem | undefined {
  const m = NOT_ALLOWED_IN_YAML.exec(text);
  if (m === null) return undefined;
  const code = m[0].codePointAt(0) ?? 0;
  const before = text.slice(0, m.index);
  const line = before.split('\n').length;
  return {
    message: `has control character U+${code.toString(16).toUpperCase().padStart(4, '0')}, which YAML does not allow (kubectl rejects it too)`,
    fix: 'remove it, or write it as an escape such as "\\u0007" inside double quotes',
    line,
    column: m.index - before.lastIndexOf('\n'),
  };
}

function lineAndColumn(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] ?? 0;
    const n =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (n < 0) return i;
    if (n > 0 && !isUtf8(b.subarray(i, i + n + 1))) return i;
    i += n + 1;
  }
  return b.length;
}
