// Parses the `k8s.v1.cni.cncf.io/networks` annotation (NPWG spec §4) in
// both forms, resolves namespaces and interface names the way Multus does,
// and reports every problem as a finding. Never throws.
import { child, error, type Finding } from '../common/findings.ts';
import { FindingSink } from '../common/finding-sink.ts';
import { readJsonText } from '../common/json-text.ts';
import { typeError } from '../common/json-value.ts';
import { quote } from '../common/quote.ts';
import { sizeFinding } from '../common/size.ts';
import { checkAttachmentSet } from './attachment-set.ts';
import type { AttachmentEntry } from './attachment-set.ts';
import { readCommaItem } from './comma-item.ts';
import { readJsonElement } from './json-element.ts';
import {
  ANNOTATION_SIZE_LIMIT,
  DEFAULT_CLUSTER_INTERFACE,
  MAX_ANNOTATION_FINDINGS,
  NETWORKS_ANNOTATION,
} from './types.ts';
import type { NetworkSelectionElement, ResolvedAttachment } from './types.ts';

const NETWORKS_FIELD = child('metadata.annotations', NETWORKS_ANNOTATION);

export interface NetworkSelectionOptions {
  /** Namespace of the pod: where NADs named without a namespace live. */
  podNamespace: string;
  /** Field path of the annotation value; default `metadata.annotations[k8s.v1.cni.cncf.io/networks]`. */
  field?: string;
  /** Interface of the cluster network, which attachments may not reuse; default `eth0`. */
  clusterInterface?: string;
}

export interface NetworkSelectionResult {
  /** One entry per list element that could be read, in order. Trust them
   * only when `findings` has no errors. */
  elements: ResolvedAttachment[];
  findings: Finding[];
}

/** An element as read, before defaults are applied. */
interface ReadElement {
  element: NetworkSelectionElement;
  /** 0-based position in the annotation (also for elements that failed to read). */
  index: number;
  /** Field path of the element. */
  field: string;
}

/** Parses and checks a networks annotation value. */
export function parseNetworkSelection(
  value: string,
  opts: NetworkSelectionOptions,
): NetworkSelectionResult {
  const out = new FindingSink(MAX_ANNOTATION_FINDINGS);
  const field = opts.field ?? NETWORKS_FIELD;
  const entries = readNetworkSelection(value, opts.podNamespace, field, out);
  checkAttachmentSet(entries, opts.clusterInterface ?? DEFAULT_CLUSTER_INTERFACE, out);
  const elements: ResolvedAttachment[] = new Array<ResolvedAttachment>(entries.length);
  for (let i = 0; i < entries.length; i++) elements[i] = (entries[i] as AttachmentEntry).attachment;
  return { elements, findings: out.close(field) };
}

/** Reads and resolves the attachments without the checks across them
 * (checkPodNetworkAnnotations runs those once, with the default network). */
export function readNetworkSelection(
  value: unknown,
  podNamespace: string,
  field: string,
  out: FindingSink,
): AttachmentEntry[] {
  const read = readSelectionElements(value, field, out).elements;
  const entries: AttachmentEntry[] = new Array<AttachmentEntry>(read.length);
  for (let i = 0; i < read.length; i++) {
    const r = read[i] as ReadElement;
    // Multus numbers delegates from 0 (the cluster network), so the n-th
    // attachment is net<n> whether or not the ones before it were named.
    entries[i] = { attachment: resolve(r, podNamespace, `net${r.index + 1}`), field: r.field };
  }
  return entries;
}

/** Applies the defaults to one read element. */
export function resolve(
  r: ReadElement,
  defaultNamespace: string,
  defaultInterface: string,
): ResolvedAttachment {
  const e = r.element;
  const requested = e.interface !== undefined;
  return {
    ...e,
    namespace: e.namespace ?? defaultNamespace,
    interface: requested ? (e.interface as string) : defaultInterface,
    interfaceRequested: requested,
    index: r.index,
  };
}

interface ReadSelection {
  /** The elements that could be read. */
  elements: ReadElement[];
  /** How many elements the value lists, readable or not. */
  total: number;
}

function nothing(): ReadSelection {
  return { elements: [], total: 0 };
}

/** Splits an annotation value into elements (either form) and checks each.
 * Returns no elements when the value as a whole cannot be read. */
export function readSelectionElements(
  value: unknown,
  field: string,
  out: FindingSink,
): ReadSelection {
  if (typeof value !== 'string') {
    // A YAML list or map written without quotes arrives here.
    out.push(
      typeError(
        field,
        'a string',
        value,
        'quote the value in YAML, e.g. \'[{"name": "my-network"}]\' or "net-a, net-b"',
      ),
    );
    return nothing();
  }
  const tooLarge = sizeFinding(value, field, ANNOTATION_SIZE_LIMIT);
  if (tooLarge !== undefined) {
    out.push(tooLarge);
    return nothing();
  }
  if (value === '') return nothing(); // Multus treats an empty value as "no networks".
  let start = 0;
  while (start < value.length && isSpace(value.charCodeAt(start))) start++;
  if (start === value.length) {
    out.push(error(field, 'is blank', 'remove the annotation, or name the networks to attach'));
    return nothing();
  }
  const first = value.charCodeAt(start);
  if (first === 0x5b /* [ */) return readJsonList(value, field, out);
  if (first === 0x7b /* { */ || first === 0x22 /* " */) {
    readJsonNonList(value, field, out);
    return nothing();
  }
  const jsonChar = jsonCharAfter(value, start);
  if (jsonChar >= 0) {
    // Multus takes any value containing [, { or " for JSON; names cannot contain them.
    out.push(
      error(
        field,
        `contains ${quote(value.charAt(jsonChar))} but does not start with "[": it is neither a JSON list nor a list of names`,
        'write a JSON list such as [{"name": "a"}] or names such as "a, ns/b@net2"',
      ),
    );
    return nothing();
  }
  return readCommaList(value, field, out);
}

function jsonCharAfter(value: string, start: number): number {
  for (let i = start; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x5b || c === 0x7b || c === 0x22) return i;
  }
  return -1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}

const JSON_FIX = 'check quotes, commas and brackets; keys and strings need double quotes';

function readJsonList(value: string, field: string, out: FindingSink): ReadSelection {
  const parsed = readJsonText(value, field, out, JSON_FIX);
  if (!parsed.ok) return nothing();
  const list = parsed.value;
  if (!Array.isArray(list)) {
    // Unreachable for text starting with "[", kept for safety.
    out.push(typeError(field, 'a JSON list', list));
    return nothing();
  }
  const elements: ReadElement[] = [];
  for (let i = 0; i < list.length; i++) {
    const path = child(field, i);
    const element = readJsonElement(list[i], path, out);
    if (element !== undefined) elements.push({ element, index: i, field: path });
  }
  return { elements, total: list.length };
}

function readJsonNonList(value: string, field: string, out: FindingSink): void {
  const parsed = readJsonText(value, field, out, JSON_FIX);
  if (!parsed.ok) return;
  const v = parsed.value;
  if (typeof v === 'string') {
    out.push(
      error(
        field,
        'is a JSON string, not a list',
        `write the names without quotes, e.g. ${quote(v.length > 64 ? 'my-network' : v)}`,
      ),
    );
  } else if (v !== null && typeof v === 'object') {
    out.push(
      error(
        field,
        'is a single JSON object; the JSON form is a list of objects',
        'wrap it in a list: [{"name": ...}]',
      ),
    );
  } else {
    out.push(typeError(field, 'a JSON list of objects', v));
  }
}

function readCommaList(value: string, field: string, out: FindingSink): ReadSelection {
  const elements: ReadElement[] = [];
  let index = 0;
  let from = 0;
  for (;;) {
    const comma = value.indexOf(',', from);
    const item = comma < 0 ? value.slice(from) : value.slice(from, comma);
    const path = child(field, index);
    const element = readCommaItem(item, path, out);
    if (element !== undefined) elements.push({ element, index, field: path });
    index++;
    if (comma < 0) break;
    from = comma + 1;
  }
  return { elements, total: index };
}
