// Small helpers shared by the NPWG validators: quoting user values in
// messages, and the name fixes we can suggest.
import { dns1123LabelProblem } from '../names.ts';

/** Quotes a user value for a message, cut short so a 256 KiB annotation
 * never ends up inside an admission response. */
export function show(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 61)}...` : value);
}

/** A DNS-1123 label close to `name` (lower-cased, bad characters turned
 * into `-`), or undefined when no such label is obvious. */
export function labelLike(name: string): string | undefined {
  const candidate = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return candidate !== name && dns1123LabelProblem(candidate) === undefined ? candidate : undefined;
}

/** Describes the JSON type of a value for "must be X (got Y)" messages. */
export function gotType(v: unknown): string {
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
