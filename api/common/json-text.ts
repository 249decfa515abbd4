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
 * line and column, and returns `{ok: false}`. `fix` is offered when the locator has none. */
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
type Step = { state: State } | { error: JsonSyntaxError } | { done: true };

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function locateJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const scanner = new JsonScanner(text);
  let state: State = 'value';
  for (;;) {
    const step = scanner.step(state);
    if ('error' in step) return step.error;
    if ('done' in step) return undefined;
    state = step.state;
  }
}

/** A strict RFC 8259 scanner: one step per value, key or separator, with an
 * explicit stack of open containers instead of recursion. */
class JsonScanner {
  readonly #text: string;
  readonly #stack: ('{' | '[')[] = [];
  #i = 0;

  constructor(text: string) {
    this.#text = text;
  }

  step(state: State): Step {
    this.#skipWs();
    if (state === 'value') return this.#value();
    if (state === 'key') return this.#key();
    return this.#after();
  }

  #fail(at: number, reason: string, fix?: string): Step {
    const text = this.#text;
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < at && k < text.length; k++) {
      if (text.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
    const column = at - lineStart + 1;
    return {
      error:
        fix === undefined
          ? { offset: at, line, column, reason }
          : { offset: at, line, column, reason, fix },
    };
  }

  #skipWs(): void {
    const text = this.#text;
    while (this.#i < text.length) {
      const c = text.charCodeAt(this.#i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.#i++;
    }
  }

  #value(): Step {
    const text = this.#text;
    const i = this.#i;
    if (i >= text.length)
      return this.#fail(
        i,
        this.#stack.length === 0 && text.length === 0
          ? 'input is empty'
          : 'input ends where a value should be',
      );
    const c = text[i] as string;
    if (c === '{' || c === '[') return this.#open(c);
    if (c === '"') return this.#string() ?? { state: 'after' };
    if (c === '-' || (c >= '0' && c <= '9')) return this.#number();
    for (const word of ['true', 'false', 'null'])
      if (text.startsWith(word, i)) {
        this.#i += word.length;
        return { state: 'after' };
      }
    if (c === "'") return this.#fail(i, 'single-quoted string', 'JSON strings use double quotes');
    return this.#fail(i, `unexpected ${describeChar(c)} where a value should be`);
  }

  #open(c: '{' | '['): Step {
    this.#stack.push(c);
    this.#i++;
    this.#skipWs();
    if (this.#text[this.#i] !== (c === '{' ? '}' : ']'))
      return { state: c === '{' ? 'key' : 'value' };
    this.#i++;
    this.#stack.pop();
    return { state: 'after' };
  }

  #number(): Step {
    NUMBER.lastIndex = this.#i;
    const m = NUMBER.exec(this.#text);
    if (m === null) return this.#fail(this.#i, 'invalid number');
    this.#i += m[0].length;
    const next = this.#text[this.#i];
    if (next !== undefined && /[0-9.eE]/.test(next))
      return this.#fail(
        this.#i,
        'invalid number',
        'numbers have no leading zeros and need digits after "." and "e"',
      );
    return { state: 'after' };
  }

  /** Scans a string starting at its opening quote; a Step only on error. */
  #string(): Step | undefined {
    const text = this.#text;
    const start = this.#i;
    this.#i++;
    while (this.#i < text.length) {
      const c = text.charCodeAt(this.#i);
      if (c === 0x22) {
        this.#i++;
        return undefined;
      }
      if (c < 0x20)
        return this.#fail(
          this.#i,
          'control character inside a string',
          'write it as an escape such as \\n or \\t',
        );
      if (c !== 0x5c) {
        this.#i++;
        continue;
      }
      const e = text[this.#i + 1];
      if (e !== undefined && '"\\/bfnrt'.includes(e)) this.#i += 2;
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(this.#i + 2, this.#i + 6)))
        this.#i += 6;
      else return this.#fail(this.#i, 'invalid escape in a string', 'escape a backslash as \\\\');
    }
    return this.#fail(start, 'string is never closed', 'add the closing double quote');
  }

  #key(): Step {
    const c = this.#text[this.#i];
    if (c === '"') {
      const err = this.#string();
      if (err !== undefined) return err;
      this.#skipWs();
      if (this.#text[this.#i] !== ':')
        return this.#fail(this.#i, 'expected ":" after a property name');
      this.#i++;
      return { state: 'value' };
    }
    if (c === '}') return this.#fail(this.#i, 'trailing comma before "}"', 'remove the last comma');
    if (c === "'")
      return this.#fail(
        this.#i,
        'single-quoted property name',
        'JSON property names use double quotes',
      );
    if (c === undefined)
      return this.#fail(this.#text.length, 'input ends inside an object', 'add the missing "}"');
    return this.#fail(this.#i, `expected a double-quoted property name, found ${describeChar(c)}`);
  }

  #after(): Step {
    const top = this.#stack[this.#stack.length - 1];
    const c = this.#text[this.#i];
    if (top === undefined)
      return c === undefined
        ? { done: true }
        : this.#fail(
            this.#i,
            'unexpected text after the end of the JSON value',
            'remove it, or wrap several values in a list',
          );
    const close = top === '{' ? '}' : ']';
    if (c === undefined)
      return this.#fail(
        this.#text.length,
        `input ends before the closing "${close}"`,
        `add the missing "${close}"`,
      );
    if (c === close) {
      this.#i++;
      this.#stack.pop();
      return { state: 'after' };
    }
    if (c !== ',')
      return this.#fail(this.#i, `expected "," or "${close}", found ${describeChar(c)}`);
    this.#i++;
    if (top === '{') return { state: 'key' };
    this.#skipWs();
    if (this.#text[this.#i] === ']')
      return this.#fail(this.#i, 'trailing comma before "]"', 'remove the last comma');
    return { state: 'value' };
  }
}

function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code > 0x20 && code < 0x7f) return `"${c}"`;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
