// A js-yaml schema that builds what go-yaml v2 builds: plain scalars resolved
// by go-scalars.ts, unknown tags ignored, and the values JSON or JavaScript
// keys cannot carry (floats as keys, null keys, .inf) wrapped so that
// resolve-document.ts can finish the job as sigs.k8s.io/yaml does.
// Merge keys become unique marker keys: go-yaml applies them in document
// order (a later `<<` overrides earlier keys), which js-yaml's merge does not.
import { randomBytes } from 'node:crypto';
import { FAILSAFE_SCHEMA, Type, type Schema } from 'js-yaml';
import { resolveGoScalar, type GoScalar, type ResolvableTag } from './go-scalars.ts';
import { quoteShort } from './quote-short.ts';

/** Starts every marker; NUL cannot appear in accepted input, and the random
 * part cannot be guessed, so no user key or value can forge a marker. */
export const MARKER = `\u0000plexus-${randomBytes(8).toString('hex')}:`;
export const MERGE_MARKER = `${MARKER}merge:`;
export const UNSUPPORTED_KEY_MARKER = `${MARKER}unsupported-key:`;

/** A scalar whose JavaScript form differs from its JSON or map-key form. */
export class GoValue {
  /** The JSON value; null for YAML null, maybe NaN or ±Infinity. */
  readonly json: number | null;
  /** The map key sigs.k8s.io/yaml makes of it, or undefined when it has none. */
  readonly key: string | undefined;
  /** What it was, quoted, for messages. */
  readonly text: string;

  constructor(json: number | null, key: string | undefined, text: string) {
    this.json = json;
    this.key = key;
    this.text = text;
  }

  get [Symbol.toStringTag](): string {
    return 'GoValue';
  }

  // js-yaml turns every map key into a string with String(key).
  toString(): string {
    return this.key ?? `${UNSUPPORTED_KEY_MARKER}${this.text}`;
  }
}

let mergeKeys = 0;
const GO_NULL = new GoValue(null, undefined, 'null');

function toJs(s: GoScalar, text: string): unknown {
  switch (s.kind) {
    case 'null':
      return GO_NULL;
    case 'bool':
      return s.value;
    case 'int':
      return Number.isSafeInteger(Number(s.value))
        ? Number(s.value)
        : new GoValue(Number(s.value), s.value.toString(), quoteShort(text));
    case 'uint':
      return new GoValue(
        Number(s.value),
        undefined,
        `${quoteShort(text)} (an unsigned 64-bit number)`,
      );
    case 'float':
      return new GoValue(s.value, goFloatKey(s.value), quoteShort(text));
    case 'merge':
      return `${MERGE_MARKER}${mergeKeys++}`;
    case 'str':
      return text;
  }
}

/** strconv.FormatFloat(f, 'g', -1, 32), as sigs.k8s.io/yaml turns float keys into strings. */
export function goFloatKey(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  const f32 = Math.fround(f);
  if (f32 === 0) return Object.is(f32, -0) ? '-0' : '0';
  let sci = '';
  for (let p = 1; p <= 9; p++) {
    sci = Math.abs(f32).toExponential(p - 1);
    if (Math.fround(Number(sci)) === Math.abs(f32)) break;
  }
  const [mantissa = '0', expText = '0'] = sci.split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  const sign = f32 < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${whole.slice(0, exp + 1)}${frac === '' ? '' : `.${frac}`}`;
}

/** Plain scalars: resolved as go-yaml does; strings stay strings. */
function plainScalarType(): Type {
  let last: GoScalar | undefined;
  return new Type('tag:plexus.dev,2026:go-plain', {
    kind: 'scalar',
    resolve: (data: string) => {
      last = resolveGoScalar(data);
      return last !== undefined && last.kind !== 'str';
    },
    construct: (data: string) => toJs(last ?? resolveGoScalar(data) ?? { kind: 'str' }, data),
  });
}

/** `!!bool x`, `!!int x`, …: the text must resolve to that tag, as in go-yaml. */
function explicitType(tag: ResolvableTag): Type {
  const text = (data: unknown) => (typeof data === 'string' ? data : '');
  return new Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (data: unknown) => resolveGoScalar(text(data), tag) !== undefined,
    construct: (data: unknown) => {
      const s = resolveGoScalar(text(data), tag) ?? { kind: 'str' };
      return toJs(s.kind === 'merge' ? { kind: 'str' } : s, text(data));
    },
  });
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `!!binary`: base64 (line breaks ignored, padding required), decoded to a string. */
const binaryType = new Type('tag:yaml.org,2002:binary', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && BASE64.test(data.replace(/[\r\n]/g, '')),
  construct: (data: string) => Buffer.from(data.replace(/[\r\n]/g, ''), 'base64').toString('utf8'),
});

/** `!!merge <<`. */
const mergeType = new Type('tag:yaml.org,2002:merge', {
  kind: 'scalar',
  resolve: (data: unknown) => data === '<<',
  construct: () => `${MERGE_MARKER}${mergeKeys++}`,
});

/** Any other tag (`!foo`, `!!set`, `!<x>`): go-yaml ignores it and keeps the node. */
function ignoredTag(kind: 'scalar' | 'sequence' | 'mapping'): Type {
  return new Type('', {
    kind,
    multi: true,
    construct: (data: unknown) => (kind === 'scalar' ? (data ?? '') : data),
  });
}

export const GO_YAML_SCHEMA: Schema = FAILSAFE_SCHEMA.extend({
  implicit: [plainScalarType()],
  explicit: [
    ...(['bool', 'int', 'float', 'null', 'timestamp'] as const).map(explicitType),
    binaryType,
    mergeType,
    ignoredTag('scalar'),
    ignoredTag('sequence'),
    ignoredTag('mapping'),
  ],
});
