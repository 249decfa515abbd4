// metav1.LabelSelector checks, as the API server's ValidateLabelSelector makes
// them, so a selector the CLI accepts offline is one the cluster accepts too.
import { checked, child, error, type Checked, type Finding } from '../common/findings.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { dns1123SubdomainProblem } from '../common/names.ts';
import { quote, quoteValue } from '../common/quote.ts';
import type { LabelSelector } from '../resources/common.ts';

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

/** Checks a metav1.LabelSelector; `value` is the typed selector when it has no error. */
export function checkLabelSelector(sel: unknown, field: string): Checked<LabelSelector> {
  if (!isPlainObject(sel))
    return {
      findings: [
        typeError(
          field,
          'a label selector object',
          sel,
          'use {matchLabels: {...}} or {matchExpressions: [...]}',
        ),
      ],
    };
  const findings: Finding[] = [];
  const value: LabelSelector = {};
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
      findings.push(typeError(f, 'a map of label keys to values', matchLabels));
    } else {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(matchLabels)) {
        const p = labelKeyProblem(k);
        if (p !== undefined) findings.push(error(child(f, k), `label key ${quote(k)}: ${p}`));
        if (typeof v !== 'string') {
          findings.push(typeError(child(f, k), 'a string', v, `quote it: "${quoteValue(v)}"`));
          continue;
        }
        labels[k] = v;
        const vp = labelValueProblem(v);
        if (vp !== undefined) findings.push(error(child(f, k), `label value ${quote(v)} ${vp}`));
      }
      value.matchLabels = labels;
    }
  }
  if (matchExpressions !== undefined) {
    const f = child(field, 'matchExpressions');
    if (!Array.isArray(matchExpressions)) {
      findings.push(typeError(f, 'a list', matchExpressions));
    } else {
      value.matchExpressions = matchExpressions.map((req: unknown, i) =>
        checkRequirement(req, child(f, i), findings),
      );
    }
  }
  return checked(findings, value);
}

type Requirement = NonNullable<LabelSelector['matchExpressions']>[number];

/** One requirement; the returned value is meaningful only when no error was added. */
function checkRequirement(req: unknown, field: string, findings: Finding[]): Requirement {
  const value: Requirement = { key: '', operator: 'In' };
  if (!isPlainObject(req)) {
    findings.push(typeError(field, 'an object with key, operator and values', req));
    return value;
  }
  for (const key of Object.keys(req)) {
    if (key !== 'key' && key !== 'operator' && key !== 'values')
      findings.push(
        error(child(field, key), 'is not a requirement field', 'use key, operator and values'),
      );
  }
  const { key, operator, values } = req;
  if (key === undefined) findings.push(error(child(field, 'key'), 'is required'));
  else if (typeof key !== 'string') findings.push(typeError(child(field, 'key'), 'a string', key));
  else {
    value.key = key;
    const p = labelKeyProblem(key);
    if (p !== undefined) findings.push(error(child(field, 'key'), `label key ${quote(key)}: ${p}`));
  }
  if (typeof operator !== 'string' || !OPERATORS.includes(operator)) {
    findings.push(
      error(
        child(field, 'operator'),
        operator === undefined ? 'is required' : `${quoteValue(operator)} is not an operator`,
        `use one of ${OPERATORS.join(', ')}`,
      ),
    );
    return value;
  }
  value.operator = operator;
  const vf = child(field, 'values');
  if (values !== undefined && !Array.isArray(values)) {
    findings.push(typeError(vf, 'a list of strings', values));
    return value;
  }
  const list: unknown[] = values ?? [];
  const strings = checkRequirementValues(list, operator, vf, findings);
  if (values !== undefined) value.values = strings;
  return value;
}

/** In/NotIn need values, Exists/DoesNotExist take none; each value is a label value. */
function checkRequirementValues(
  list: readonly unknown[],
  operator: string,
  vf: string,
  findings: Finding[],
): string[] {
  if ((operator === 'In' || operator === 'NotIn') && list.length === 0)
    findings.push(
      error(
        vf,
        `must not be empty for operator ${operator}`,
        `list the values, or use ${operator === 'In' ? 'Exists' : 'DoesNotExist'}`,
      ),
    );
  if ((operator === 'Exists' || operator === 'DoesNotExist') && list.length > 0)
    findings.push(
      error(vf, `must be empty for operator ${operator}`, 'remove values, or use In/NotIn'),
    );
  const strings: string[] = [];
  list.forEach((v, i) => {
    if (typeof v !== 'string') {
      findings.push(typeError(child(vf, i), 'a string', v));
      return;
    }
    strings.push(v);
    const p = labelValueProblem(v);
    if (p !== undefined) findings.push(error(child(vf, i), `label value ${quote(v)} ${p}`));
  });
  return strings;
}

/** Whether `labels` satisfy `selector` as the API server's LabelSelectorAsSelector
 * reads it: every matchLabels pair and every requirement; no selector matches all. */
export function matchesLabelSelector(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (selector === undefined) return true;
  const has = (k: string): boolean => labels !== undefined && Object.hasOwn(labels, k);
  for (const [k, v] of Object.entries(selector.matchLabels ?? {}))
    if (!has(k) || labels?.[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const present = has(req.key);
    const value = present ? labels?.[req.key] : undefined;
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!present || !values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        // An operator the schema does not allow selects nothing, as the API server refuses it.
        return false;
    }
  }
  return true;
}
