// Validates a set of Kubernetes manifests offline, as `plexus validate` does
// for GitOps pipelines: classify the documents, check each object with the
// validators the admission webhook uses, index what the set defines, then
// check the references between objects and the OverlayNetworks against each
// other. Findings about the options are reported on their own.
import type { Finding } from '../common/findings.ts';
import { checkClusterCidrs } from '../overlay/network-set.ts';
import { FindingBudget } from './caps.ts';
import { checkOverlaySet, checkReferences, indexObjects } from './cross-references.ts';
import { classifyDocuments, type ManifestDocument } from './documents.ts';
import { checkObject, type CheckedObject, type PodCheckCache } from './object-checks.ts';

export type { ManifestDocument };

export interface ObjectReport {
  file: string;
  document: number;
  kind: string;
  namespace: string;
  name: string;
  errors: Finding[];
  warnings: Finding[];
}

export interface ManifestSetReport {
  /** One report per checked object, in the order of the documents. */
  objects: ObjectReport[];
  /** Findings attached to no object: bad options, and what the caps left out. */
  findings: Finding[];
}

export interface ValidateOptions {
  /** Missing references are errors instead of warnings. */
  strictRefs?: boolean;
  /** Namespace of namespaced objects that name none (kubectl's `-n`). */
  defaultNamespace?: string;
  /** Cluster and service CIDRs no OverlayNetwork may overlap. */
  clusterCidrs?: readonly string[];
  serviceCidrs?: readonly string[];
}

export function validateManifests(
  docs: readonly ManifestDocument[],
  opts: ValidateOptions = {},
): ManifestSetReport {
  const defaultNs = opts.defaultNamespace ?? 'default';
  const podChecks: PodCheckCache = new WeakMap();
  const objects = classifyDocuments(docs).map((o) => checkObject(o, defaultNs, podChecks));
  checkReferences(objects, indexObjects(objects), opts.strictRefs === true);
  const cidrs = {
    ...(opts.clusterCidrs === undefined ? {} : { clusterCidrs: opts.clusterCidrs }),
    ...(opts.serviceCidrs === undefined ? {} : { serviceCidrs: opts.serviceCidrs }),
  };
  checkOverlaySet(objects, cidrs);
  const budget = new FindingBudget();
  const reports = objects.map((o) => reportOf(o, budget.take(o.findings)));
  const findings = checkClusterCidrs(cidrs);
  const summary = budget.summary();
  if (summary !== undefined) findings.push(summary);
  return { objects: reports, findings };
}

function reportOf(o: CheckedObject, findings: readonly Finding[]): ObjectReport {
  return {
    file: o.source.doc.file,
    document: o.source.doc.document,
    kind: o.source.kind,
    namespace: o.namespace,
    name: o.name,
    errors: findings.filter((f) => f.severity === 'error'),
    warnings: findings.filter((f) => f.severity === 'warning'),
  };
}
