// Parses a config string as JSON and, when that fails, says where and why.
// V8's own messages sometimes carry no position and quote the whole input, so
// on failure a small strict scanner (RFC 8259) finds the first bad character.
// It is iterative: a deeply nested input cannot exhaust the stack. Every
// place in api/ that parses JSON from users goes through readJsonText, so every
// syntax error names its line and column.
import { error, type Finding } from './findings.ts';

export interface JsonSyntaxError {
  /** Offset in UTF-16 code units, as JavaScript strings count. */
  offset: number;
  line: number;
  column: number;
  reason: string;
  fix?: string;
}

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

export function parseJsonText(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    const found = locateJsonSyntaxError(text);
    if (found !== undefined) return { ok: false, error: found };
    // JSON.parse failed for a reason the scanner does not see (e.g. resource limits).
    const reason = e instanceof Error ? e.message.slice(0, 200) : 'unknown error';
    return { ok: false, error: { offset: 0, line: 1, column: 1, reason } };
  }
}

/** Parses `text`; on a syntax error records one finding at `field` naming the
 * line and column, and returns `{ok: false}`. `fix` replaces the locator's own. */
export function readJsonText(
  text: string,
  field: string,
  out: { push(f: Finding): void },
  fix?: string,
): JsonParseResult {
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const e = parsed.error;
    out.push(
      error(
        field,
        `is not valid JSON: ${e.reason} (line ${e.line}, column ${e.column})`,
        e.fix ?? fix,
      ),
    );
  }
  return parsed;
}

type State = 'value' | 'key' | 'after';

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function locateJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const n = text.length;
  const stack: ('{' | '[')[] = [];
  let i = 0;
  let state: State = 'value';
  const fail = (at: number, reason: string, fix?: string): JsonSyntaxError => {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < at && k < n; k++) {
      if (text.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
    return fix === undefined
      ? { offset: at, line, column: at - lineStart + 1, reason }
      : { offset: at, line, column: at - lineStart + 1, reason, fix };
  };
  const skipWs = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      i++;
    }
  };
  const scanString = (): JsonSyntaxError | undefined => {
    const start = i;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20)
        return fail(
          i,
          'control character inside a string',
          'write it as an escape such as \\n or \\t',
        );
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          i += 6;
        } else {
          return fail(i, 'invalid escape in a string', 'escape a backslash as \\\\');
        }
        continue;
      }
      i++;
    }
    return fail(start, 'string is never closed', 'add the closing double quote');
  };
  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

  for (;;) {
    if (state === 'value') {
      skipWs();
      if (i >= n)
        return fail(
          n,
          stack.length === 0 && n === 0 ? 'input is empty' : 'input ends where a value should be',
        );
      const c = text[i] as string;
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        skipWs();
        if (text[i] === (c === '{' ? '}' : ']')) {
          i++;
          stack.pop();
          state = 'after';
        } else {
          state = c === '{' ? 'key' : 'value';
        }
      } else if (c === '"') {
        const err = scanString();
        if (err !== undefined) return err;
        state = 'after';
      } else if (c === '-' || (c >= '0' && c <= '9')) {
        NUMBER.lastIndex = i;
        const m = NUMBER.exec(text);
        if (m === null) return fail(i, 'invalid number');
        i += m[0].length;
        const next = text[i];
        if (next !== undefined && /[0-9.eE]/.test(next))
          return fail(
            i,
            'invalid number',
            'numbers have no leading zeros and need digits after "." and "e"',
          );
        state = 'after';
      } else if (text.startsWith('true', i) || text.startsWith('null', i)) {
        i += 4;
        state = 'after';
      } else if (text.startsWith('false', i)) {
        i += 5;
        state = 'after';
      } else if (c === "'") {
        return fail(i, 'single-quoted string', 'JSON strings use double quotes');
      } else {
        return fail(i, `unexpected ${describeChar(c)} where a value should be`);
      }
    } else if (state === 'key') {
      skipWs();
      const c = text[i];
      if (c === '"') {
        const err = scanString();
        if (err !== undefined) return err;
        skipWs();
        if (text[i] !== ':') return fail(i, 'expected ":" after a property name');
        i++;
        state = 'value';
      } else if (c === '}') {
        return fail(i, 'trailing comma before "}"', 'remove the last comma');
      } else if (c === "'") {
        return fail(i, 'single-quoted property name', 'JSON property names use double quotes');
      } else if (c === undefined) {
        return fail(n, 'input ends inside an object', 'add the missing "}"');
      } else {
        return fail(i, `expected a double-quoted property name, found ${describeChar(c)}`);
      }
    } else {
      skipWs();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (i < n)
          return fail(
            i,
            'unexpected text after the end of the JSON value',
            'remove it, or wrap several values in a list',
          );
        return undefined;
      }
      const close = top === '{' ? '}' : ']';
      const c = text[i];
      if (c === undefined)
        return fail(n, `input ends before the closing "${close}"`, `add the missing "${close}"`);
      if (c === ',') {
        i++;
        if (top === '{') {
          state = 'key';
        } else {
          skipWs();
          if (text[i] === ']') return fail(i, 'trailing comma before "]"', 'remove the last comma');
          state = 'value';
        }
      } else if (c === close) {
        i++;
        stack.pop();
      } else {
        return fail(i, `expected "," or "${close}", found ${describeChar(c)}`);
      }
    }
  }
}

function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code > 0x20 && code < 0x7f) return `"${c}"`;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
