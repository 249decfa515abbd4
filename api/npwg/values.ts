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
