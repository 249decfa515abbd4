// The name rules of a selection element: the NAD name (a DNS-1123 label, as
// the spec requires), its namespace, and the pod interface name.
import {
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  interfaceNameProblem,
} from '../common/names.ts';
import { quote } from '../common/quote.ts';
import { labelLike } from '../common/suggest.ts';
import { fieldOf, keyError, type KeyPlace } from './element-place.ts';

export function checkNadName(value: string, at: KeyPlace): void {
  const problem = dns1123LabelProblem(value);
  if (problem === undefined) return;
  if (value === '') {
    keyError(at, 'is empty: name the NetworkAttachmentDefinition to attach');
    return;
  }
  if (value.includes('.') && dns1123SubdomainProblem(value) === undefined) {
    keyError(
      at,
      `${quote(value)} has dots: the NPWG spec requires network names to be DNS-1123 labels, so this NAD cannot be selected`,
      `rename the NetworkAttachmentDefinition without dots, e.g. ${quote(value.replace(/\./g, '-'))}`,
    );
    return;
  }
  keyError(at, `network name ${quote(value)} ${problem}`, nadNameFix(value));
}

/** The comma-form shorthands do not work inside the JSON form: say how to split them. */
function nadNameFix(value: string): string | undefined {
  const slash = value.indexOf('/');
  const at = value.indexOf('@');
  if (slash > 0 && at < 0)
    return `write "namespace": ${quote(value.slice(0, slash))}, "name": ${quote(value.slice(slash + 1))}`;
  if (at > 0 && slash < 0)
    return `write "name": ${quote(value.slice(0, at))}, "interface": ${quote(value.slice(at + 1))}`;
  const like = labelLike(value);
  return like === undefined ? undefined : `use ${quote(like)}`;
}

export function checkNamespace(value: string, at: KeyPlace): void {
  const problem = dns1123LabelProblem(value);
  if (problem === undefined) return;
  const like = labelLike(value);
  keyError(
    at,
    `namespace ${quote(value)} ${problem}`,
    like !== undefined ? `use ${quote(like)}` : undefined,
  );
}

export function checkInterfaceName(value: string, at: KeyPlace): void {
  const problem = interfaceNameProblem(value);
  if (problem === undefined) return;
  at.out.push({
    field: fieldOf(at),
    message: `interface name ${quote(value)} ${problem}`,
    fix: 'use a short name such as "net1" or "data0"',
    severity: 'error',
  });
}
