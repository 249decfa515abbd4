// Where a key of a selection element sits, for findings. Field paths are
// built only when a finding is reported: this runs per key per pod admission.
import { child, error, warning } from '../common/findings.ts';
import type { FindingSink } from '../common/finding-sink.ts';
import { typeError } from '../common/json-value.ts';

export interface KeyPlace {
  /** Field path of the element (`…networks][i]`). */
  path: string;
  /** The key as the user spelt it. */
  written: string;
  out: FindingSink;
}

/** Field path of the key, optionally of its j-th item and that item's `sub` key. */
export function fieldOf(at: KeyPlace, j?: number | string, sub?: string): string {
  let p = child(at.path, at.written);
  if (j !== undefined) p = child(p, j);
  if (sub !== undefined) p = child(p, sub);
  return p;
}

/** A string value, or undefined after reporting a wrong type; an empty string
 * is reported with `emptyHint` when given (the key is then ignored). */
export function stringValue(
  value: unknown,
  at: KeyPlace,
  emptyHint?: [message: string, fix: string],
): string | undefined {
  if (typeof value !== 'string') {
    at.out.push(typeError(fieldOf(at), 'a string', value));
    return undefined;
  }
  if (value === '' && emptyHint !== undefined) {
    at.out.push(warning(fieldOf(at), emptyHint[0], emptyHint[1]));
    return undefined;
  }
  return value;
}

/** Records an error at the key (or its j-th item). */
export function keyError(at: KeyPlace, message: string, fix?: string, j?: number): void {
  at.out.push(error(fieldOf(at, j), message, fix));
}
