// Step 1 of validating a manifest set: the documents read from files become
// the objects Plexus checks. Kinds Plexus does not check are skipped silently;
// a document that is not an object, or an object without a usable kind or
// apiVersion, is an error: kubectl would refuse it.
import { child, error, type Finding } from '../common/findings.ts';
import { describeType, isPlainObject, typeError } from '../common/json-value.ts';
import { isPodCarrier } from '../npwg/pod-template.ts';
import { PLEXUS_API_VERSION } from '../resources/common.ts';
import { NAD_API_VERSION, NAD_KIND } from '../resources/network-attachment-definition.ts';
import { OVERLAY_NETWORK_KIND } from '../resources/overlay-network.ts';

/** One YAML/JSON document as read from a file. */
export interface ManifestDocument {
  file: string;
  /** 1-based position of the document in its file. */
  document: number;
  /** The parsed value; undefined when the document did not parse. */
  value?: unknown;
  /** The parser's message when the document is malformed. */
  parseError?: string;
}

type ObjectClass = 'pod' | 'nad' | 'overlay';

/** One object to check, in the order of the files (List items expanded). */
export interface ManifestObject {
  doc: ManifestDocument;
  /** What Plexus checks it as; undefined for a document that is not a usable object. */
  cls?: ObjectClass;
  kind: string;
  obj: Record<string, unknown>;
  /** Findings made while classifying (the object is not checked further). */
  findings: Finding[];
}

type Classified = ObjectClass | 'list' | 'skip';

function classify(obj: Record<string, unknown>, kind: string, apiVersion: string): Classified {
  if (kind === NAD_KIND && apiVersion === NAD_API_VERSION) return 'nad';
  if (kind === OVERLAY_NETWORK_KIND && apiVersion === PLEXUS_API_VERSION) return 'overlay';
  if (isPodCarrier(kind, apiVersion)) return 'pod';
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(obj.items))) return 'list';
  return 'skip';
}

/** The objects of `docs`, each with the class Plexus checks it as. */
export function classifyDocuments(docs: readonly ManifestDocument[]): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const doc of docs) {
    if (doc.parseError !== undefined) {
      out.push(
        invalid(
          doc,
          error(
            '(document)',
            `malformed YAML/JSON: ${doc.parseError}`,
            'fix the syntax of this document',
          ),
        ),
      );
      continue;
    }
    const v = doc.value;
    if (v === null || v === undefined) continue; // an empty document
    if (!isPlainObject(v)) {
      out.push(
        invalid(doc, error('(document)', `expected a Kubernetes object (got ${describeType(v)})`)),
      );
      continue;
    }
    visit(doc, v, '', out);
  }
  return out;
}

function invalid(doc: ManifestDocument, finding: Finding, kind = ''): ManifestObject {
  return { doc, kind, obj: {}, findings: [finding] };
}

function visit(
  doc: ManifestDocument,
  obj: Record<string, unknown>,
  itemPath: string,
  out: ManifestObject[],
): void {
  const { kind, apiVersion } = obj;
  const problems = [
    ...typeProblems(kind, child(itemPath, 'kind')),
    ...typeProblems(apiVersion, child(itemPath, 'apiVersion')),
  ];
  if (problems.length > 0 || typeof kind !== 'string' || typeof apiVersion !== 'string') {
    out.push({ doc, kind: typeof kind === 'string' ? kind : '', obj, findings: problems });
    return;
  }
  const cls = classify(obj, kind, apiVersion);
  if (cls === 'skip') return;
  if (cls !== 'list') {
    out.push({ doc, cls, kind, obj, findings: [] });
    return;
  }
  const items = obj.items;
  if (!Array.isArray(items)) return;
  items.forEach((item, i) => {
    // Items that are not objects are for kubectl to refuse; the List itself says what it holds.
    if (isPlainObject(item))
      visit(doc, item, child(itemPath === '' ? 'items' : `${itemPath}.items`, i), out);
  });
}

function typeProblems(v: unknown, field: string): Finding[] {
  if (typeof v === 'string' && v !== '') return [];
  if (v === undefined || v === '')
    return [
      error(
        field,
        'is required: kubectl cannot tell what object this is',
        `add ${field.replace(/.*\./, '')}`,
      ),
    ];
  return [typeError(field, 'a string', v)];
}
