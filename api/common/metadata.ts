// Rules on the metadata every Kubernetes object shares, where the API server
// rejects what a YAML file may still hold.
import { child, type Finding } from './findings.ts';
import { isPlainObject, typeError } from './json-value.ts';

/** Annotation values must be strings: the API server rejects a number, a
 * boolean or a map there (YAML reads `replicas: 3` as a number). */
export function checkAnnotationValues(
  annotations: unknown,
  base: string,
  skip: ReadonlySet<string> = new Set(),
): Finding[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isPlainObject(annotations)) return [typeError(base, 'a map of strings', annotations)];
  const findings: Finding[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    if (typeof value === 'string' || skip.has(key)) continue;
    findings.push(typeError(child(base, key), 'a string', value, 'quote the value in YAML'));
  }
  return findings;
}
