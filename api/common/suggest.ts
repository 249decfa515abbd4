// "Did you mean" help: the known key a misspelt one was meant as, and a
// DNS-1123 label close to a bad name. Only runs for input that is already
// wrong, so it costs nothing on valid input.
import { dns1123LabelProblem } from './names.ts';
import { quote } from './quote.ts';

/** Lower-cases and drops `-`/`_`, so `cniArgs`, `cni_args` and `CNI-Args` meet. */
function squash(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** Levenshtein distance, stopping early once it exceeds `max`. */
function distanceAtMost(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return false;
    [prev, cur] = [cur, prev];
  }
  return (prev[b.length] ?? max + 1) <= max;
}

/** Suggests the known key `key` was probably meant as, or undefined.
 * `aliases` maps squashed wrong names to the right key (e.g. `interfacename` → `interface`). */
export function suggestKey(
  key: string,
  known: readonly string[],
  aliases: ReadonlyMap<string, string> = new Map(),
): string | undefined {
  const s = squash(key);
  for (const k of known) if (squash(k) === s) return k;
  const alias = aliases.get(s);
  if (alias !== undefined) return alias;
  let best: string | undefined;
  for (const k of known) {
    if (distanceAtMost(s, squash(k), s.length <= 4 ? 1 : 2)) {
      if (best === undefined) best = k;
      else return undefined; // ambiguous: better no hint than a wrong one
    }
  }
  return best;
}

/** True when `a` becomes `b` by one insertion, deletion, substitution or swap of
 * two neighbouring characters (optimal string alignment distance 1). */
function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  return long.slice(i + 1) === short.slice(i); // insertion or deletion
}

/** The known name `name` was probably meant as: one that differs only in case,
 * "-" or "_", or else the one name a single edit away; undefined when none or
 * several are. For names (plugin types) rather than keys: stricter than suggestKey. */
export function suggestName(name: string, known: readonly string[]): string | undefined {
  const s = squash(name);
  for (const k of known) if (squash(k) === s) return k === name ? undefined : k;
  const near = known.filter((k) => oneEditApart(name.toLowerCase(), k.toLowerCase()));
  return near.length === 1 ? near[0] : undefined;
}

/** The fix for a misspelt key: `did you mean "x"?`, or `otherwise` without a hint. */
export function didYouMean(hint: string | undefined, otherwise?: string): string | undefined {
  return hint === undefined ? otherwise : `did you mean ${quote(hint)}?`;
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
