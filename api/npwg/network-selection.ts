// Parses the `k8s.v1.cni.cncf.io/networks` annotation (NPWG spec §4) in
// both forms, resolves namespaces and interface names the way Multus does,
// and reports every problem as a finding. Never throws.
import { child, error, describeType } from '../findings.ts';
import type { Finding } from '../findings.ts';
import { checkAttachmentSet } from './attachment-set.ts';
import type { AttachmentEntry } from './attachment-set.ts';
import { readCommaItem, readJsonElement } from './selection-element.ts';
import { DEFAULT_CLUSTER_INTERFACE, MAX_ANNOTATION_BYTES, NETWORKS_ANNOTATION } from './types.ts';
import type { NetworkSelectionElement, ResolvedAttachment } from './types.ts';

export const NETWORKS_FIELD = child('metadata.annotations', NETWORKS_ANNOTATION);

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
export interface ReadElement {
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
  const findings: Finding[] = [];
  const entries = readNetworkSelection(
    value,
    opts.podNamespace,
    opts.field ?? NETWORKS_FIELD,
    findings,
  );
  checkAttachmentSet(entries, opts.clusterInterface ?? DEFAULT_CLUSTER_INTERFACE, findings);
  const elements: ResolvedAttachment[] = new Array<ResolvedAttachment>(entries.length);
  for (let i = 0; i < entries.length; i++) elements[i] = (entries[i] as AttachmentEntry).attachment;
  return { elements, findings };
}

/** Reads and resolves the attachments without the checks across them
 * (checkPodNetworkAnnotations runs those once, with the default network). */
export function readNetworkSelection(
  value: string,
  podNamespace: string,
  field: string,
  findings: Finding[],
): AttachmentEntry[] {
  const read = readSelectionElements(value, field, findings).elements;
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

export interface ReadSelection {
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
  findings: Finding[],
): ReadSelection {
  if (typeof value !== 'string') {
    findings.push(
      error(
        field,
        `must be a string (got ${describeType(value)})`,
        'quote the value in YAML, e.g. \'[{"name": "my-network"}]\'',
      ),
    );
    return nothing();
  }
  if (tooLarge(value)) {
    findings.push(
      error(
        field,
        `is larger than 256 KiB, the most Kubernetes stores for all annotations of an object together`,
        'attach fewer networks or shorten the value',
      ),
    );
    return nothing();
  }
  if (value === '') return nothing(); // Multus treats an empty value as "no networks".
  let start = 0;
  while (start < value.length && isSpace(value.charCodeAt(start))) start++;
  if (start === value.length) {
    findings.push(
      error(field, 'is blank', 'remove the annotation, or name the networks to attach'),
    );
    return nothing();
  }
  const first = value.charCodeAt(start);
  if (first === 0x5b /* [ */) return readJsonList(value, field, findings);
  if (first === 0x7b /* { */ || first === 0x22 /* " */) {
    readJsonNonList(value, field, findings);
    return nothing();
  }
  // Multus takes any value containing [, { or " for JSON; names cannot contain them.
  for (let i = start; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x5b || c === 0x7b || c === 0x22) {
      findings.push(
        error(
          field,
          `contains ${JSON.stringify(value[i])} but does not start with "[": it is neither a JSON list nor a list of names`,
          'write a JSON list such as [{"name": "a"}] or names such as "a, ns/b@net2"',
        ),
      );
      return nothing();
    }
  }
  return readCommaList(value, field, findings);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}

function tooLarge(value: string): boolean {
  // UTF-8 never takes fewer bytes than UTF-16 code units, nor more than three per unit.
  if (value.length > MAX_ANNOTATION_BYTES) return true;
  if (value.length * 3 <= MAX_ANNOTATION_BYTES) return false;
  return Buffer.byteLength(value, 'utf8') > MAX_ANNOTATION_BYTES;
}

function parseJson(
  value: string,
  field: string,
  findings: Finding[],
): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(value) as unknown };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    findings.push(
      error(
        field,
        `is not valid JSON: ${detail}`,
        'check quotes, commas and brackets; keys and strings need double quotes',
      ),
    );
    return { ok: false };
  }
}

function readJsonList(value: string, field: string, findings: Finding[]): ReadSelection {
  const parsed = parseJson(value, field, findings);
  if (!parsed.ok) return nothing();
  const list = parsed.value;
  if (!Array.isArray(list)) {
    // Unreachable for text starting with "[", kept for safety.
    findings.push(error(field, `must be a JSON list (got ${describeType(list)})`));
    return nothing();
  }
  const out: ReadElement[] = [];
  for (let i = 0; i < list.length; i++) {
    const path = child(field, i);
    const element = readJsonElement(list[i], path, findings);
    if (element !== undefined) out.push({ element, index: i, field: path });
  }
  return { elements: out, total: list.length };
}

function readJsonNonList(value: string, field: string, findings: Finding[]): void {
  const parsed = parseJson(value, field, findings);
  if (!parsed.ok) return;
  const v = parsed.value;
  if (typeof v === 'string') {
    findings.push(
      error(
        field,
        'is a JSON string, not a list',
        `write the names without quotes, e.g. ${JSON.stringify(v.length > 64 ? 'my-network' : v)}`,
      ),
    );
  } else if (v !== null && typeof v === 'object') {
    findings.push(
      error(
        field,
        'is a single JSON object; the JSON form is a list of objects',
        'wrap it in a list: [{"name": ...}]',
      ),
    );
  } else {
    findings.push(error(field, `must be a JSON list of objects (got ${describeType(v)})`));
  }
}

function readCommaList(value: string, field: string, findings: Finding[]): ReadSelection {
  const out: ReadElement[] = [];
  let index = 0;
  let from = 0;
  for (;;) {
    const comma = value.indexOf(',', from);
    const item = comma < 0 ? value.slice(from) : value.slice(from, comma);
    const path = child(field, index);
    const element = readCommaItem(item, path, findings);
    if (element !== undefined) out.push({ element, index, field: path });
    index++;
    if (comma < 0) break;
    from = comma + 1;
  }
  return { elements: out, total: index };
}
