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
  /** How to fix it, when we can tell. */
  fix?: string;
  severity: Severity;
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

/** Joins a base path and a child segment: `child(a, 'b')` → `a.b`,
 * `child(a, 2)` → `a[2]`, `child(a, 'x/y')` → `a[x/y]` (keys that are not
 * identifiers are bracketed, as kubectl and the API server print them). */
export function child(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${key}]`;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

export function errorsOf(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error');
}

/** One line per finding, for logs, admission messages and the CLI. */
export function formatFinding(f: Finding): string {
  return f.fix === undefined
    ? `${f.field}: ${f.message}`
    : `${f.field}: ${f.message} (fix: ${f.fix})`;
}

/** Narrowing helpers for untrusted JSON. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON type of a value, with its article, for "must be X (got Y)". */
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
