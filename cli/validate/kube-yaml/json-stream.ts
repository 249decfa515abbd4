// Reads a file that starts with `{` as kubectl does (k8s.io/apimachinery's
// YAMLOrJSONDecoder): a stream of JSON values one after another. If the first
// or second value is not JSON, kubectl reads the rest of the file as YAML
// instead (so `{a: 1}` and JSON with a trailing comma still work); after two
// good values, a bad one fails the file.

export type JsonStreamItem =
  | { kind: 'value'; value: unknown; offset: number }
  | { kind: 'error'; message: string; offset: number }
  /** Read the rest, from `offset`, as YAML. */
  | { kind: 'yaml'; offset: number };

const JSON_SPACE = /[ \t\n\r]/;
// unicode.IsSpace, which Go uses to skip to the YAML after a failed JSON value.
const GO_SPACE = /[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/** True when kubectl would take the file for JSON: the first non-space
 * character within its first 4096 bytes is `{`. */
export function looksLikeJson(head: string): boolean {
  for (const ch of head) {
    if (ch === '{') return true;
    if (!GO_SPACE.test(ch)) return false;
  }
  return false;
}

export function* readJsonStream(text: string): Generator<JsonStreamItem> {
  let pos = 0;
  let good = 0;
  for (;;) {
    let start = pos;
    while (start < text.length && JSON_SPACE.test(text[start] ?? '')) start++;
    if (start >= text.length) return;
    const end = jsonValueEnd(text, start);
    let value: unknown;
    let failure: string | undefined;
    try {
      if (end < 0) throw new SyntaxError('unexpected end of JSON input');
      value = JSON.parse(text.slice(start, end));
    } catch (e) {
      failure = (e as Error).message;
    }
    if (failure === undefined) {
      yield { kind: 'value', value, offset: start };
      good++;
      pos = end;
      continue;
    }
    if (good >= 2) {
      yield { kind: 'error', message: `malformed JSON: ${failure}`, offset: start };
      return;
    }
    yield { kind: 'yaml', offset: skipToNextLine(text, pos) };
    return;
  }
}

/** Go's consumeWhitespace: spaces up to and including the first line break. */
function skipToNextLine(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && GO_SPACE.test(text[i] ?? '')) {
    i++;
    if (text[i - 1] === '\n') break;
  }
  return i;
}

/** Index just past the JSON value starting at `start` (by brackets and
 * strings only; JSON.parse judges the rest), or -1 when it never ends. */
function jsonValueEnd(text: string, start: number): number {
  const first = text[start];
  if (first !== '{' && first !== '[' && first !== '"') {
    let i = start;
    while (i < text.length && !/[\s{}[\],:"]/.test(text[i] ?? '')) i++;
    return i === start ? start + 1 : i;
  }
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
