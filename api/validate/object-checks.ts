// Step 2 of validating a manifest set: each object on its own, through the
// same validators the admission webhook uses, keeping what the cross-object
// steps need (NAD references, resolved OverlayNetworks).
import { appendAll, child, error, type Finding } from '../common/findings.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { checkAnnotationValues } from '../common/metadata.ts';
import { dns1123SubdomainProblem } from '../common/names.ts';
import { quote } from '../common/quote.ts';
import { nadValidator, type OverlayReference } from '../cni/nad-validator.ts';
import type { NadReference, PodNetworkCheck } from '../npwg/pod-annotations.ts';
import { podNetworkValidator } from '../npwg/pod-validator.ts';
import { podMetadataOf } from '../npwg/pod-template.ts';
import { overlayNetworkValidator } from '../overlay/validator.ts';
import type { ResolvedOverlay } from '../overlay/resolved.ts';
import type { ManifestObject } from './documents.ts';

/** One object after its own checks. */
export interface CheckedObject {
  source: ManifestObject;
  namespace: string;
  name: string;
  findings: Finding[];
  /** Pods and workloads: the NADs their annotations name. */
  nadReferences: NadReference[];
  /** NADs: the OverlayNetworks their config names. */
  overlayReferences: OverlayReference[];
  /** OverlayNetworks: the resolved network, when it has no error. */
  overlay?: ResolvedOverlay;
}

function metaString(obj: Record<string, unknown>, key: 'name' | 'namespace'): string | undefined {
  const meta = obj.metadata;
  if (!isPlainObject(meta)) return undefined;
  const v = meta[key];
  return typeof v === 'string' ? v : undefined;
}

/** Results of the pod validator by the pod metadata they read (then by kind), so
 * that metadata a YAML alias or merge key repeats many times over is checked once
 * and its references kept once: memory grows with the file, not its expansion. */
export type PodCheckCache = WeakMap<object, Map<string, PodNetworkCheck>>;

/** Checks `o` on its own; `defaultNamespace` stands in for a missing namespace. */
export function checkObject(
  o: ManifestObject,
  defaultNamespace: string,
  podChecks: PodCheckCache = new WeakMap(),
): CheckedObject {
  const name = metaString(o.obj, 'name') ?? '';
  const namespaced = o.cls !== 'overlay';
  const namespace =
    namespaced && o.cls !== undefined ? (metaString(o.obj, 'namespace') ?? defaultNamespace) : '';
  const out: CheckedObject = {
    source: o,
    namespace,
    name,
    findings: [...o.findings],
    nadReferences: [],
    overlayReferences: [],
  };
  if (o.cls === 'pod') {
    appendAll(out.findings, checkWorkloadMetadata(o.obj, o.kind));
    const key = podMetadataOf(o.kind, o.obj)?.metadata ?? o.obj;
    let byKind = podChecks.get(key);
    if (byKind === undefined) podChecks.set(key, (byKind = new Map()));
    let r = byKind.get(o.kind);
    if (r === undefined) {
      r = podNetworkValidator({ defaultNamespace }).create(o.obj);
      byKind.set(o.kind, r);
    }
    appendAll(out.findings, r.findings);
    out.nadReferences = r.references;
  } else if (o.cls === 'nad') {
    const r = nadValidator().create(o.obj);
    appendAll(out.findings, r.findings);
    out.overlayReferences = r.overlayReferences;
  } else if (o.cls === 'overlay') {
    const r = overlayNetworkValidator.create(o.obj);
    appendAll(out.findings, r.findings);
    if (r.value !== undefined) out.overlay = r.value;
  }
  return out;
}

/** The name of a Pod or workload (the API server's rule), and the annotation
 * values of a workload's own metadata (a Pod's are the pod validator's). */
function checkWorkloadMetadata(obj: Record<string, unknown>, kind: string): Finding[] {
  const meta = obj.metadata;
  if (!isPlainObject(meta))
    return [error('metadata', `${kind} has no metadata`, 'add metadata with a name')];
  const findings =
    kind === 'Pod' ? [] : checkAnnotationValues(meta.annotations, 'metadata.annotations');
  const name = meta.name;
  // Workloads may use generateName; only a present name is checked.
  if (name === undefined) {
    if (typeof meta.generateName !== 'string')
      findings.push(error('metadata.name', 'is required', `give the ${kind} a name`));
    return findings;
  }
  if (typeof name !== 'string') return [...findings, typeError('metadata.name', 'a string', name)];
  const problem = dns1123SubdomainProblem(name);
  if (problem !== undefined)
    findings.push(error(child('metadata', 'name'), `${quote(name)} ${problem}`));
  return findings;
}
