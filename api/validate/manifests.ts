// Validates a set of Kubernetes manifests offline, as `plexus validate` does
// for GitOps pipelines: each object with the same rules the admission webhook
// applies, plus the cross-object checks that can be made inside the set
// (pods → NADs, overlay NADs → OverlayNetworks, overlaps between networks).
import { child, describeType, error, isPlainObject, warning, type Finding } from '../findings.ts';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../names.ts';
import { checkNadConfig } from '../cni/nad-config.ts';
import { checkPodNetworkAnnotations } from '../npwg/pod-annotations.ts';
import { DEFAULT_NETWORK_ANNOTATION, NETWORKS_ANNOTATION } from '../npwg/types.ts';
import { checkOverlayNetwork } from '../overlay/validate.ts';
import { checkOverlayNetworkSetByObject } from '../overlay/set.ts';
import { attachmentScope, mayAttachIn, type AttachmentScope } from '../overlay/attachment.ts';
import type { OverlayNetwork } from '../resources/overlay-network.ts';
import { NAD_API_VERSION, NAD_KIND } from '../resources/network-attachment-definition.ts';
import { PLEXUS_API_VERSION } from '../resources/common.ts';
import { isPodCarrier, podMetadataOf } from './workloads.ts';

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

export interface ObjectReport {
  file: string;
  document: number;
  kind: string;
  namespace: string;
  name: string;
  errors: Finding[];
  warnings: Finding[];
}

export interface ValidateOptions {
  /** Missing references are errors instead of warnings. */
  strictRefs?: boolean;
  /** Namespace of namespaced objects that name none (kubectl's `-n`). */
  defaultNamespace?: string;
  /** Cluster and service CIDRs no OverlayNetwork may overlap. */
  clusterCidrs?: string[];
  serviceCidrs?: string[];
}

interface Entry {
  report: ObjectReport;
  findings: Finding[];
  obj: Record<string, unknown>;
  kind: string;
}

interface Reference {
  entry: Entry;
  field: string;
  what: string;
}

interface OverlayRef {
  entry: Entry;
  field: string;
  network: string;
}

interface PodRef extends Reference {
  key: string;
  namespace: string;
  name: string;
}

/** Kinds Plexus validates; everything else is skipped silently. */
function classify(obj: Record<string, unknown>): 'pod' | 'nad' | 'overlay' | 'list' | undefined {
  const kind = obj['kind'];
  const apiVersion = obj['apiVersion'];
  if (typeof kind !== 'string' || typeof apiVersion !== 'string') return undefined;
  if (kind === NAD_KIND && apiVersion === NAD_API_VERSION) return 'nad';
  if (kind === 'OverlayNetwork' && apiVersion === PLEXUS_API_VERSION) return 'overlay';
  if (isPodCarrier(kind, apiVersion)) return 'pod';
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(obj['items']))) return 'list';
  return undefined;
}

function metaString(obj: Record<string, unknown>, key: 'name' | 'namespace'): string | undefined {
  const meta = obj['metadata'];
  if (!isPlainObject(meta)) return undefined;
  const v = meta[key];
  return typeof v === 'string' ? v : undefined;
}

export function validateManifests(
  docs: readonly ManifestDocument[],
  opts: ValidateOptions = {},
): ObjectReport[] {
  const defaultNs = opts.defaultNamespace ?? 'default';
  const entries: Entry[] = [];
  const nads = new Set<string>();
  const overlayNames = new Set<string>();
  // NADs the operator will generate from OverlayNetworks in the set.
  const generated = new Map<string, AttachmentScope>();
  const overlays: { entry: Entry; on: OverlayNetwork }[] = [];
  const podRefs: PodRef[] = [];
  const overlayRefs: OverlayRef[] = [];

  const visit = (doc: ManifestDocument, obj: unknown, itemPath: string) => {
    if (!isPlainObject(obj)) {
      if (itemPath === '' && obj !== null && obj !== undefined) {
        const report = newReport(doc, '', '', '');
        entries.push({
          report,
          obj: {},
          kind: '',
          findings: [
            error('(document)', `expected a Kubernetes object, found ${describeType(obj)}`),
          ],
        });
      }
      return;
    }
    const cls = classify(obj);
    if (cls === undefined) return;
    if (cls === 'list') {
      const items = obj['items'];
      if (Array.isArray(items))
        items.forEach((item, i) =>
          visit(doc, item, child(itemPath === '' ? 'items' : `${itemPath}.items`, i)),
        );
      return;
    }
    const kind = obj['kind'] as string;
    const name = metaString(obj, 'name') ?? '';
    const namespaced = cls !== 'overlay';
    const namespace = namespaced ? (metaString(obj, 'namespace') ?? defaultNs) : '';
    const entry: Entry = { report: newReport(doc, kind, namespace, name), obj, kind, findings: [] };
    entries.push(entry);
    // checkOverlayNetwork owns the OverlayNetwork's metadata rules (a DNS-1123 label there).
    if (cls !== 'overlay') entry.findings.push(...checkName(obj, kind));
    if (cls === 'pod') checkPodCarrier(entry, namespace, podRefs);
    else if (cls === 'nad') checkNad(entry, name, namespace, nads, overlayRefs);
    else {
      entry.findings.push(...checkOverlayNetwork(obj));
      overlayNames.add(name);
      generated.set(name, attachmentScope(obj));
      overlays.push({ entry, on: obj as unknown as OverlayNetwork });
    }
  };

  for (const doc of docs) {
    if (doc.parseError !== undefined) {
      const entry: Entry = {
        report: newReport(doc, '', '', ''),
        obj: {},
        kind: '',
        findings: [
          error(
            '(document)',
            `malformed YAML/JSON: ${doc.parseError}`,
            'fix the syntax of this document',
          ),
        ],
      };
      entries.push(entry);
      continue;
    }
    visit(doc, doc.value, '');
  }

  // Cross-object checks, possible only once the whole set is known.
  const missing = (ref: { entry: Entry; field: string }, message: string, fix: string) =>
    ref.entry.findings.push(
      opts.strictRefs === true ? error(ref.field, message, fix) : warning(ref.field, message, fix),
    );
  for (const ref of podRefs) {
    const scope = generated.get(ref.name);
    if (!nads.has(ref.key) && !(scope !== undefined && mayAttachIn(scope, ref.namespace))) {
      missing(
        ref,
        `${ref.what} is not among the validated manifests`,
        `add it to the set, or make sure it exists in the cluster before this pod is created`,
      );
    }
  }
  for (const ref of overlayRefs) {
    if (!overlayNames.has(ref.network)) {
      missing(
        ref,
        `OverlayNetwork "${ref.network}" is not among the validated manifests`,
        `add the OverlayNetwork to the set, or make sure it exists in the cluster`,
      );
    }
  }
  const setOpts: { clusterCidrs?: string[]; serviceCidrs?: string[] } = {};
  if (opts.clusterCidrs !== undefined) setOpts.clusterCidrs = opts.clusterCidrs;
  if (opts.serviceCidrs !== undefined) setOpts.serviceCidrs = opts.serviceCidrs;
  if (overlays.length > 0) attributeSetFindings(overlays, setOpts);

  return entries.map((e) => {
    e.report.errors = e.findings.filter((f) => f.severity === 'error');
    e.report.warnings = e.findings.filter((f) => f.severity === 'warning');
    return e.report;
  });
}

function newReport(
  doc: ManifestDocument,
  kind: string,
  namespace: string,
  name: string,
): ObjectReport {
  return {
    file: doc.file,
    document: doc.document,
    kind,
    namespace,
    name,
    errors: [],
    warnings: [],
  };
}

function checkName(obj: Record<string, unknown>, kind: string): Finding[] {
  const meta = obj['metadata'];
  if (!isPlainObject(meta))
    return [error('metadata', `${kind} has no metadata`, 'add metadata with a name')];
  const name = meta['name'];
  // Workloads may use generateName; only a present name is checked.
  if (name === undefined) {
    return typeof meta['generateName'] === 'string'
      ? []
      : [error('metadata.name', 'is required', `give the ${kind} a name`)];
  }
  if (typeof name !== 'string')
    return [error('metadata.name', `must be a string, found ${describeType(name)}`)];
  const problem = dns1123SubdomainProblem(name);
  return problem === undefined ? [] : [error('metadata.name', `"${name}" ${problem}`)];
}

function checkPodCarrier(entry: Entry, namespace: string, refs: PodRef[]): void {
  const loc = podMetadataOf(entry.kind, entry.obj);
  if (loc === undefined || loc.metadata === undefined) return;
  const annotations = loc.metadata['annotations'];
  const base = `${loc.path}.annotations`;
  if (annotations === undefined) return;
  if (!isPlainObject(annotations)) {
    entry.findings.push(
      error(base, `must be a map of strings, found ${describeType(annotations)}`),
    );
    return;
  }
  const result = checkPodNetworkAnnotations(annotations as Record<string, string>, namespace, base);
  entry.findings.push(...result.findings);
  for (const a of result.attachments) {
    refs.push({
      entry,
      field: child(child(base, NETWORKS_ANNOTATION), a.index),
      key: `${a.namespace}/${a.name}`,
      namespace: a.namespace,
      name: a.name,
      what: `NetworkAttachmentDefinition ${a.namespace}/${a.name}`,
    });
  }
  if (result.defaultNetwork !== undefined) {
    const d = result.defaultNetwork;
    refs.push({
      entry,
      field: child(base, DEFAULT_NETWORK_ANNOTATION),
      key: `${d.namespace}/${d.name}`,
      namespace: d.namespace,
      name: d.name,
      what: `NetworkAttachmentDefinition ${d.namespace}/${d.name}`,
    });
  }
}

function checkNad(
  entry: Entry,
  name: string,
  namespace: string,
  nads: Set<string>,
  refs: OverlayRef[],
): void {
  nads.add(`${namespace}/${name}`);
  if (
    name !== '' &&
    dns1123SubdomainProblem(name) === undefined &&
    dns1123LabelProblem(name) !== undefined
  ) {
    entry.findings.push(
      warning(
        'metadata.name',
        `"${name}" is not a DNS-1123 label, so no pod annotation can select it (the NPWG spec requires labels there)`,
        'use lower-case letters, digits and "-" only',
      ),
    );
  }
  const spec = entry.obj['spec'];
  if (spec === undefined) return;
  if (!isPlainObject(spec)) {
    entry.findings.push(error('spec', `must be an object, found ${describeType(spec)}`));
    return;
  }
  const config = spec['config'];
  if (config !== undefined && typeof config !== 'string') {
    entry.findings.push(
      error(
        'spec.config',
        `must be a string holding CNI JSON, found ${describeType(config)}`,
        'quote the JSON, e.g. with a YAML block scalar `config: |`',
      ),
    );
    return;
  }
  const result = checkNadConfig(config, { nadName: name });
  entry.findings.push(...result.findings);
  result.config?.plugins.forEach((plugin, i) => {
    if (plugin['type'] === 'plexus-overlay' && typeof plugin['network'] === 'string') {
      const single = result.config?.raw['plugins'] === undefined;
      refs.push({
        entry,
        field: single ? 'spec.config.network' : `spec.config.plugins[${i}].network`,
        network: plugin['network'],
      });
    }
  });
}

function attributeSetFindings(
  overlays: { entry: Entry; on: OverlayNetwork }[],
  opts: { clusterCidrs?: string[]; serviceCidrs?: string[] },
): void {
  const byName = new Map<string, Entry>();
  for (const o of overlays) byName.set(o.on.metadata?.name ?? '', o.entry);
  for (const f of checkOverlayNetworkSetByObject(
    overlays.map((o) => o.on),
    opts,
  )) {
    const target = byName.get(f.object);
    (target ?? overlays[0]?.entry)?.findings.push(f.finding);
  }
}
