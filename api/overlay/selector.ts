// metav1.LabelSelector checks, as the API server's ValidateLabelSelector makes
// them, so a selector the CLI accepts offline is one the cluster accepts too.
import { child, describeType, error, isPlainObject, type Finding } from '../findings.ts';
import { dns1123SubdomainProblem } from '../names.ts';

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** Label key: `[prefix/]name`, prefix a DNS-1123 subdomain, name at most 63 characters. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (slash >= 0) {
    const p = dns1123SubdomainProblem(key.slice(0, slash));
    if (p !== undefined) return `prefix ${p}`;
  }
  if (name.length === 0) return 'name must not be empty';
  if (name.length > 63) return `name must be at most 63 characters (has ${name.length})`;
  if (!NAME.test(name))
    return 'name must consist of letters, digits, "-", "_" and ".", and start and end with a letter or digit';
  return undefined;
}

/** Label value: empty, or at most 63 characters of the label name alphabet. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return `must be at most 63 characters (has ${value.length})`;
  if (value.length > 0 && !NAME.test(value)) {
    return 'must consist of letters, digits, "-", "_" and ".", and start and end with a letter or digit';
  }
  return undefined;
}

export function checkLabelSelector(sel: unknown, field: string): Finding[] {
  if (!isPlainObject(sel))
    return [
      error(
        field,
        `must be a label selector object, got ${describeType(sel)}`,
        'use {matchLabels: {...}} or {matchExpressions: [...]}',
      ),
    ];
  const findings: Finding[] = [];
  for (const key of Object.keys(sel)) {
    if (key !== 'matchLabels' && key !== 'matchExpressions') {
      findings.push(
        error(
          child(field, key),
          'is not a label selector field',
          'use matchLabels or matchExpressions',
        ),
      );
    }
  }
  const { matchLabels, matchExpressions } = sel;
  if (matchLabels !== undefined) {
    const f = child(field, 'matchLabels');
    if (!isPlainObject(matchLabels)) {
      findings.push(
        error(f, `must be a map of label keys to values, got ${describeType(matchLabels)}`),
      );
    } else {
      for (const [k, v] of Object.entries(matchLabels)) {
        const p = labelKeyProblem(k);
        if (p !== undefined)
          findings.push(error(child(f, k), `label key ${JSON.stringify(k)}: ${p}`));
        if (typeof v !== 'string')
          findings.push(
            error(
              child(f, k),
              `must be a string, got ${describeType(v)}`,
              `quote it: "${String(v)}"`,
            ),
          );
        else {
          const vp = labelValueProblem(v);
          if (vp !== undefined)
            findings.push(error(child(f, k), `label value ${JSON.stringify(v)} ${vp}`));
        }
      }
    }
  }
  if (matchExpressions !== undefined) {
    const f = child(field, 'matchExpressions');
    if (!Array.isArray(matchExpressions)) {
      findings.push(error(f, `must be a list, got ${describeType(matchExpressions)}`));
    } else {
      matchExpressions.forEach((req: unknown, i) =>
        findings.push(...checkRequirement(req, child(f, i))),
      );
    }
  }
  return findings;
}

function checkRequirement(req: unknown, field: string): Finding[] {
  if (!isPlainObject(req))
    return [
      error(field, `must be an object with key, operator and values, got ${describeType(req)}`),
    ];
  const findings: Finding[] = [];
  for (const key of Object.keys(req)) {
    if (key !== 'key' && key !== 'operator' && key !== 'values')
      findings.push(
        error(child(field, key), 'is not a requirement field', 'use key, operator and values'),
      );
  }
  const { key, operator, values } = req;
  if (typeof key !== 'string')
    findings.push(
      error(
        child(field, 'key'),
        key === undefined ? 'is required' : `must be a string, got ${describeType(key)}`,
      ),
    );
  else {
    const p = labelKeyProblem(key);
    if (p !== undefined)
      findings.push(error(child(field, 'key'), `label key ${JSON.stringify(key)}: ${p}`));
  }
  if (typeof operator !== 'string' || !OPERATORS.includes(operator)) {
    findings.push(
      error(
        child(field, 'operator'),
        operator === undefined ? 'is required' : `${JSON.stringify(operator)} is not an operator`,
        `use one of ${OPERATORS.join(', ')}`,
      ),
    );
    return findings;
  }
  const vf = child(field, 'values');
  if (values !== undefined && !Array.isArray(values)) {
    findings.push(error(vf, `must be a list of strings, got ${describeType(values)}`));
    return findings;
  }
  const list: unknown[] = values ?? [];
  if ((operator === 'In' || operator === 'NotIn') && list.length === 0) {
    findings.push(
      error(
        vf,
        `must not be empty for operator ${operator}`,
        `list the values, or use ${operator === 'In' ? 'Exists' : 'DoesNotExist'}`,
      ),
    );
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && list.length > 0) {
    findings.push(
      error(vf, `must be empty for operator ${operator}`, 'remove values, or use In/NotIn'),
    );
  }
  list.forEach((v, i) => {
    if (typeof v !== 'string')
      findings.push(error(child(vf, i), `must be a string, got ${describeType(v)}`));
    else {
      const p = labelValueProblem(v);
      if (p !== undefined)
        findings.push(error(child(vf, i), `label value ${JSON.stringify(v)} ${p}`));
    }
  });
  return findings;
}
