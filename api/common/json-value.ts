// Narrowing untrusted JSON/YAML values, and the one phrasing of a type error:
// "must be a string (got a number)", with a fix when the value only has the
// wrong JSON type (a quoted number or boolean).
import { error, type Finding } from './findings.ts';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON type of a value, with its article: "a string", "a list", "null". */
export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

/** A fix for a value that has the right content in the wrong JSON type. */
function quotedScalarFix(expected: string, v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (/boolean|true or false/.test(expected) && (v === 'true' || v === 'false'))
    return `write ${v} without quotes`;
  if (/integer|number/.test(expected) && /^-?[0-9]+$/.test(v)) return `write ${v} without quotes`;
  return undefined;
}

/** The type error for `field`: `expected` is a phrase with its article
 * ("a string", "an integer", "a list of IP addresses", "true or false"). */
export function typeError(field: string, expected: string, got: unknown, fix?: string): Finding {
  return error(
    field,
    `must be ${expected} (got ${describeType(got)})`,
    fix ?? quotedScalarFix(expected, got),
  );
}

/** An inclusive integer range, with the fix to offer outside it. */
export interface IntRange {
  min: number;
  max: number;
  fix?: string;
}

/** `v` when it is an integer in `range`; otherwise records the one phrasing of
 * a range error ("must be an integer from 1 to 4094 (got 5000)") and returns undefined. */
export function readInteger(
  v: unknown,
  field: string,
  range: IntRange,
  out: { push(f: Finding): void },
): number | undefined {
  if (typeof v !== 'number') {
    out.push(typeError(field, 'an integer', v, range.fix));
    return undefined;
  }
  if (!Number.isInteger(v) || v < range.min || v > range.max) {
    out.push(
      error(field, `must be an integer from ${range.min} to ${range.max} (got ${v})`, range.fix),
    );
    return undefined;
  }
  return v;
}
