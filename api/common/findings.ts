// A finding is one problem found in user input. Every validator in api/
// returns findings instead of throwing, so the webhook, the operator, the
// node agent and the CLI can all report the same words for the same mistake.

export type Severity = 'error' | 'warning';

export interface Finding {
  /** Path of the offending field, e.g. `spec.backend.vni` or
   * `metadata.annotations[k8s.v1.cni.cncf.io/networks][1].interface`. */
  field: string;
  /** What is wrong, in one sentence. */
  message: string;
  /** How to fix it, when we can tell. Kept apart from `message` so callers
   * (admission responses, JSON output) can show it as its own field. */
  fix?: string;
  severity: Severity;
}

/** What every resource check returns: the findings, and the typed value read
 * from the input, present only when no finding is an error. */
export interface Checked<T> {
  findings: Finding[];
  value?: T;
}

export function error(field: string, message: string, fix?: string): Finding {
  return fix === undefined
    ? { field, message, severity: 'error' }
    : { field, message, fix, severity: 'error' };
}

export function warning(field: string, message: string, fix?: string): Finding {
  return fix === undefined
    ? { field, message, severity: 'warning' }
    : { field, message, fix, severity: 'warning' };
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Joins a base path and a child segment: `child(a, 'b')` → `a.b`,
 * `child(a, 2)` → `a[2]`, `child(a, 'x/y')` → `a[x/y]` (keys that are not
 * identifiers are bracketed, as kubectl and the API server print them). */
export function child(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (IDENTIFIER.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${key}]`;
}

/** Appends `items` to `out` one by one: `out.push(...items)` throws a
 * RangeError for a few hundred thousand items, which hostile input can produce. */
export function appendAll(out: { push(f: Finding): void }, items: Iterable<Finding>): void {
  for (const f of items) out.push(f);
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** `{findings, value}` when there is no error, else `{findings}` alone. */
export function checked<T>(findings: Finding[], value: T | undefined): Checked<T> {
  return value === undefined || hasErrors(findings) ? { findings } : { findings, value };
}
