// Finds keys set more than once in one JSON object. JSON.parse keeps the last
// value silently, and so does Go's encoding/json; Go also matches a key to a
// struct field regardless of case, so "Type" and "type" set one field. A
// linear, iterative scan of text JSON.parse has already accepted: it runs only
// on valid JSON, and deep nesting cannot exhaust the stack.
import { quote } from './quote.ts';

/** One key set more than once in one object. */
export interface DuplicateKey {
  /** Where the object sits: keys and list indexes from the root. */
  path: (string | number)[];
  /** The key's spellings, in the order they first appear (one unless they differ in case). */
  spellings: string[];
  /** How many times the key is set, in any spelling. */
  count: number;
  /** Offset of the value the last occurrence of each spelling sets. */
  lastValueAt: Map<string, number>;
}

export interface DuplicateKeyOptions {
  /** Treat keys that differ only in case as one key, as Go's encoding/json does for struct fields. */
  ignoreCase: boolean;
  /** Keys whose object value, and everything below it, is a map (Go compares
   * map keys exactly): there case still counts. */
  caseSensitiveUnder?: ReadonlySet<string>;
  /** Report at most this many; the rest are only counted. */
  max: number;
}

export interface DuplicateKeyScan {
  duplicates: DuplicateKey[];
  /** Duplicates found beyond `max`. */
  more: number;
}

interface Frame {
  kind: '{' | '[';
  parent: Frame | undefined;
  /** This container's key or index in its parent. */
  at: string | number | undefined;
  /** Object frames: the keys seen, by folded spelling (made at the first key). */
  keys: Map<string, DuplicateKey> | undefined;
  /** Object frames: the key whose value comes next. List frames: the next index. */
  key: string | undefined;
  index: number;
  expectKey: boolean;
  /** Whether keys differing in case are one key here. */
  ignoreCase: boolean;
}

const fold = (key: string): string => key.toUpperCase().toLowerCase();

/** The keys set more than once in any object of `text`, which must be valid JSON. */
export function findDuplicateKeys(text: string, opts: DuplicateKeyOptions): DuplicateKeyScan {
  const found: DuplicateKey[] = [];
  let more = 0;
  let top: Frame | undefined;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const at = top === undefined ? undefined : top.kind === '{' ? top.key : top.index;
      const kind = c === 0x7b ? '{' : '[';
      const ignoreCase =
        (top?.ignoreCase ?? opts.ignoreCase) &&
        !(typeof at === 'string' && opts.caseSensitiveUnder?.has(at) === true);
      top = {
        kind,
        parent: top,
        at,
        keys: undefined,
        key: undefined,
        index: 0,
        expectKey: kind === '{',
        ignoreCase,
      };
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      top = top?.parent;
      i++;
    } else if (c === 0x2c /* , */) {
      if (top?.kind === '[') top.index++;
      else if (top !== undefined) top.expectKey = true;
      i++;
    } else if (c === 0x3a /* : */) {
      if (top !== undefined) top.expectKey = false;
      i++;
    } else if (c === 0x22 /* " */) {
      const end = endOfString(text, i);
      if (top?.kind === '{' && top.expectKey) {
        const raw = text.slice(i, end);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        top.key = key;
        const dup = noteKey(top, key, valueStart(text, end));
        if (dup !== undefined) {
          if (found.length < opts.max) found.push(dup);
          else more++;
        }
      }
      i = end;
    } else {
      i++; // whitespace, or a character of a number or literal
    }
  }
  return { duplicates: found, more };
}

/** Records `key` in its object; returns the entry the second time the key is seen. */
function noteKey(frame: Frame, key: string, valueAt: number): DuplicateKey | undefined {
  const keys = (frame.keys ??= new Map<string, DuplicateKey>());
  const id = frame.ignoreCase ? fold(key) : key;
  const seen = keys.get(id);
  if (seen === undefined) {
    keys.set(id, {
      path: [],
      spellings: [key],
      count: 1,
      lastValueAt: new Map([[key, valueAt]]),
    });
    return undefined;
  }
  seen.count++;
  if (!seen.spellings.includes(key)) seen.spellings.push(key);
  seen.lastValueAt.set(key, valueAt);
  if (seen.count !== 2) return undefined;
  seen.path = pathOf(frame);
  return seen;
}

function pathOf(frame: Frame): (string | number)[] {
  const path: (string | number)[] = [];
  for (let f: Frame | undefined = frame; f?.at !== undefined; f = f.parent) path.push(f.at);
  return path.reverse();
}

/** The offset just past the string token starting at `start`. */
function endOfString(text: string, start: number): number {
  let j = start + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 0x5c /* \ */) j += 2;
    else if (c === 0x22) return j + 1;
    else j++;
  }
  return text.length;
}

/** The offset of the value after the `:` that follows a key ending at `end`. */
function valueStart(text: string, end: number): number {
  let j = end;
  while (j < text.length && (text[j] === ':' || /\s/.test(text[j] as string))) j++;
  return j;
}

/** The JSON value starting at `offset`, for a message: a string quoted, a
 * number or literal as written, a container by its type. */
export function describeJsonValueAt(text: string, offset: number): string {
  const c = text[offset];
  if (c === '{') return 'an object';
  if (c === '[') return 'a list';
  if (c === '"') {
    const raw = text.slice(offset, endOfString(text, offset));
    return quote(JSON.parse(raw) as string);
  }
  const m = /^[^,}\]\s]*/.exec(text.slice(offset, offset + 40));
  return m?.[0] ?? '';
}
