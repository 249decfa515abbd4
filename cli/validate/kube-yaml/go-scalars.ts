// What a plain YAML scalar means to kubectl: go-yaml v2's YAML 1.1 resolution
// (the one sigs.k8s.io/yaml uses), so `yes` is true, `010` is 8 and `1:20` stays
// a string, exactly as the API server will later receive them.

/** The Go value a scalar decodes to (into interface{}), as a tagged union. */
export type GoScalar =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: bigint }
  /** Above int64: Go decodes it as uint64, which JSON can hold but a map key cannot. */
  | { kind: 'uint'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'merge' }
  | { kind: 'str' };

/** The tags of go-yaml's resolver that an explicit `!!tag` may ask for. */
export type ResolvableTag = 'bool' | 'int' | 'float' | 'null' | 'timestamp' | 'str';

const WORDS: ReadonlyMap<string, GoScalar> = new Map<string, GoScalar>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map(
    (w): [string, GoScalar] => [w, { kind: 'bool', value: true }],
  ),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map(
    (w): [string, GoScalar] => [w, { kind: 'bool', value: false }],
  ),
  ...['', '~', 'null', 'Null', 'NULL'].map((w): [string, GoScalar] => [w, { kind: 'null' }]),
  ...['.nan', '.NaN', '.NAN'].map((w): [string, GoScalar] => [w, { kind: 'float', value: NaN }]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((w): [string, GoScalar] => [
    w,
    { kind: 'float', value: Infinity },
  ]),
  ...['-.inf', '-.Inf', '-.INF'].map((w): [string, GoScalar] => [
    w,
    { kind: 'float', value: -Infinity },
  ]),
  ['<<', { kind: 'merge' }],
]);

const STR: GoScalar = { kind: 'str' };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** go-yaml's test for a decimal float once underscores are gone. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** A float that starts with "." as Go's strconv.ParseFloat reads it (underscores between digits). */
const DOT_FLOAT = /^\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?$/;
/** YAML 1.1 timestamps as go-yaml v2 accepts them (only an explicit !!timestamp asks). */
const TIMESTAMP =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]|[ ])[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})?)?$/;

/** Resolves a plain (unquoted) scalar, or one with an explicit `!!tag`, as
 * go-yaml v2 does; `undefined` when an explicit tag does not fit the text
 * (go-yaml fails the document then). */
export function resolveGoScalar(text: string, tag?: ResolvableTag): GoScalar | undefined {
  if (tag === 'str') return STR;
  const got = resolveImplicit(text, tag === 'timestamp' || tag === undefined);
  if (tag === undefined) return got;
  if (tag === 'timestamp') return TIMESTAMP.test(text) ? STR : undefined;
  if (got.kind === tag) return got;
  // An int asked for as a float becomes that float.
  if (tag === 'float' && got.kind === 'int') return { kind: 'float', value: Number(got.value) };
  return undefined;
}

function resolveImplicit(text: string, timestampsAllowed: boolean): GoScalar {
  const word = WORDS.get(text);
  if (word !== undefined) return word;
  const c = text.charCodeAt(0);
  if (c === 0x2e /* . */) {
    if (!DOT_FLOAT.test(text)) return STR;
    const value = Number(text.replaceAll('_', ''));
    return Number.isFinite(value) ? { kind: 'float', value } : STR;
  }
  const isDigit = c >= 0x30 && c <= 0x39;
  if (!isDigit && c !== 0x2b /* + */ && c !== 0x2d /* - */) return STR;
  // A timestamp decodes to its own text; only the order of checks matters here.
  if (timestampsAllowed && TIMESTAMP.test(text)) return STR;
  const plain = text.replaceAll('_', '');
  const signed = parseGoInt(plain);
  if (signed !== undefined && signed >= INT64_MIN && signed <= INT64_MAX) {
    return { kind: 'int', value: signed };
  }
  if (signed !== undefined && signed >= 0n && signed <= UINT64_MAX && !/^[-+]/.test(plain)) {
    return { kind: 'uint', value: signed };
  }
  if (YAML_STYLE_FLOAT.test(plain)) {
    const value = Number(plain);
    // strconv.ParseFloat fails on overflow, and go-yaml then keeps the text.
    if (Number.isFinite(value)) return { kind: 'float', value };
  }
  return STR;
}

const BASES: ReadonlyMap<number, { digits: RegExp; prefix: string }> = new Map([
  [16, { digits: /^[0-9a-fA-F]+$/, prefix: '0x' }],
  [10, { digits: /^[0-9]+$/, prefix: '' }],
  [8, { digits: /^[0-7]+$/, prefix: '0o' }],
  [2, { digits: /^[01]+$/, prefix: '0b' }],
]);

/** strconv.ParseInt(s, 0, 64) without its range check: an optional sign, then
 * 0x / 0o / 0b prefixes, a leading 0 for octal, else decimal. */
function parseGoInt(s: string): bigint | undefined {
  let i = 0;
  let negative = false;
  if (s[0] === '+' || s[0] === '-') {
    negative = s[0] === '-';
    i = 1;
  }
  let digits = s.slice(i);
  if (digits === '') return undefined;
  let base = 10;
  if (digits[0] === '0') {
    const p = digits[1]?.toLowerCase();
    if (digits.length >= 3 && (p === 'x' || p === 'o' || p === 'b')) {
      base = p === 'x' ? 16 : p === 'o' ? 8 : 2;
      digits = digits.slice(2);
    } else {
      base = 8;
      digits = digits.slice(1);
      if (digits === '') return 0n;
    }
  }
  const form = BASES.get(base);
  if (form === undefined || !form.digits.test(digits)) return undefined;
  const magnitude = BigInt(`${form.prefix}${digits}`);
  return negative ? -magnitude : magnitude;
}
