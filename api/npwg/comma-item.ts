// Reads ONE item of the comma form of the networks annotation: `name`,
// `ns/name`, `name@if` or `ns/name@if` (spaces around the parts are trimmed,
// as Multus does).
import { child, error, warning } from '../common/findings.ts';
import type { FindingSink } from '../common/finding-sink.ts';
import { quote } from '../common/quote.ts';
import { checkInterfaceName, checkNadName, checkNamespace } from './element-names.ts';
import type { KeyPlace } from './element-place.ts';
import type { NetworkSelectionElement } from './types.ts';

/** The element an item names, or undefined when its shape is wrong.
 * `path` is the item's field path (`…[i]`). */
export function readCommaItem(
  item: string,
  path: string,
  out: FindingSink,
): NetworkSelectionElement | undefined {
  const text = item.trim();
  const slash = text.indexOf('/');
  const at = text.indexOf('@');
  const shape = commaShapeProblem(text, slash, at);
  if (shape !== undefined) {
    out.push(error(path, shape[0], shape[1]));
    return undefined;
  }
  const el: NetworkSelectionElement = { name: '' };
  if (slash >= 0) readPart(text.slice(0, slash).trim(), NAMESPACE_PART, el, { path, out });
  const name = text.slice(slash + 1, at >= 0 ? at : text.length).trim();
  el.name = name;
  if (name === '')
    out.push(
      error(
        child(path, 'name'),
        `${quote(text)} has no network name`,
        'write the NetworkAttachmentDefinition name, e.g. namespace/name',
      ),
    );
  else checkNadName(name, { path, written: 'name', out });
  if (at >= 0) readPart(text.slice(at + 1).trim(), INTERFACE_PART, el, { path, out });
  return el;
}

/** [message, fix] when the item is empty or its "/" and "@" are misplaced. */
function commaShapeProblem(text: string, slash: number, at: number): [string, string] | undefined {
  if (text === '')
    return [
      'is empty: two commas in a row, or a comma at the start or end',
      'remove the extra comma',
    ];
  if (slash !== text.lastIndexOf('/'))
    return [
      `${quote(text)} has more than one "/"`,
      'write namespace/name or namespace/name@interface',
    ];
  if (at !== text.lastIndexOf('@'))
    return [`${quote(text)} has more than one "@"`, 'write name@interface with a single "@"'];
  if (at >= 0 && slash > at)
    return [`${quote(text)} puts "@interface" before the "/"`, 'write namespace/name@interface'];
  return undefined;
}

/** The part before "/" or after "@": when empty the default applies (with a
 * warning), otherwise it is stored and checked. */
interface CommaPart {
  key: 'namespace' | 'interface';
  empty: [message: string, fix: string];
  check: (value: string, at: KeyPlace) => void;
}

const NAMESPACE_PART: CommaPart = {
  key: 'namespace',
  empty: ['is empty before "/"; the pod\'s namespace is used', 'drop the leading "/"'],
  check: checkNamespace,
};
const INTERFACE_PART: CommaPart = {
  key: 'interface',
  empty: [
    'is empty after "@"; a name will be generated',
    'drop the trailing "@" or name the interface',
  ],
  check: checkInterfaceName,
};

function readPart(
  text: string,
  part: CommaPart,
  el: NetworkSelectionElement,
  at: { path: string; out: FindingSink },
): void {
  if (text === '') {
    at.out.push(warning(child(at.path, part.key), part.empty[0], part.empty[1]));
    return;
  }
  el[part.key] = text;
  part.check(text, { path: at.path, written: part.key, out: at.out });
}
