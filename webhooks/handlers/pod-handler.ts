// Pods and the pod templates of workloads: the annotation rules of api/npwg, then the NADs the
// annotations name (exist, and namespace isolation) from the NAD directory. Objects without a
// relevant annotation, and updates that leave those annotations as they were, are allowed at
// once: the network of a running pod cannot change, so only a change is worth a look.
import { hasErrors, isPlainObject, quote } from '../../api/common/index.ts';
import { checkNadReferences, podNetworkValidator } from '../../api/npwg/index.ts';
import type { NadLookup, NadReference } from '../../api/npwg/index.ts';
import type { AdmissionRequest } from '../admission-review.ts';
import { ALLOW } from '../admission-response.ts';
import type { Verdict } from '../admission-response.ts';
import {
  hasRelevantAnnotation,
  relevantAnnotationsChanged,
  templateAnnotations,
} from '../relevant-annotations.ts';
import { groupKind } from './handler.ts';
import type { AdmissionRoute } from './handler.ts';

/** Where the handler finds out which NADs exist: at once when its cache knows them all, else
 * once the misses have been looked up. */
export interface NadSource {
  lookup(refs: readonly NadReference[]): NadLookup[] | Promise<NadLookup[]>;
}

export interface PodPolicy {
  /** Multus' namespaceIsolation; off by default. */
  namespaceIsolation: boolean;
  /** Namespaces every pod may use under isolation (Multus' globalNamespaces). */
  globalNamespaces: readonly string[];
  /** Interface of the cluster network; default eth0. */
  clusterInterface?: string;
  /** Namespace of a default-network NAD named without one; default the pod's. */
  defaultNetworkNamespace?: string;
}

export const POD_KINDS: ReadonlySet<string> = new Set([groupKind('', 'Pod')]);
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set([
  groupKind('apps', 'Deployment'),
  groupKind('apps', 'StatefulSet'),
  groupKind('apps', 'DaemonSet'),
  groupKind('apps', 'ReplicaSet'),
  groupKind('batch', 'Job'),
  groupKind('batch', 'CronJob'),
  groupKind('', 'ReplicationController'),
]);

/** The request's object must be of the request's kind: the template path depends on it. */
function kindMismatch(request: AdmissionRequest): Verdict | undefined {
  const obj = request.object;
  const kind = isPlainObject(obj) ? obj.kind : undefined;
  if (kind === undefined || kind === request.kind.kind) return undefined;
  return {
    kind: 'error',
    code: 400,
    message: `request.object.kind ${typeof kind === 'string' ? quote(kind) : 'is not a string'} does not match request.kind ${quote(request.kind.kind)}`,
  };
}

export function reviewPodNetworks(
  request: AdmissionRequest,
  nads: NadSource,
  policy: PodPolicy,
): Verdict | Promise<Verdict> {
  const { operation, subResource } = request;
  if ((operation !== 'CREATE' && operation !== 'UPDATE') || subResource !== '') return ALLOW;
  const mismatch = kindMismatch(request);
  if (mismatch !== undefined) return mismatch;
  const kind = request.kind.kind;
  const after = templateAnnotations(kind, request.object);
  if (operation === 'CREATE' && !hasRelevantAnnotation(after)) return ALLOW;
  if (
    operation === 'UPDATE' &&
    !relevantAnnotationsChanged(templateAnnotations(kind, request.oldObject), after)
  )
    return ALLOW;
  const podNamespace = request.namespace === '' ? 'default' : request.namespace;
  const validator = podNetworkValidator({
    defaultNamespace: podNamespace,
    ...(policy.clusterInterface === undefined ? {} : { clusterInterface: policy.clusterInterface }),
    ...(policy.defaultNetworkNamespace === undefined
      ? {}
      : { defaultNetworkNamespace: policy.defaultNetworkNamespace }),
  });
  const check =
    operation === 'UPDATE'
      ? validator.update(request.oldObject, request.object)
      : validator.create(request.object);
  if (hasErrors(check.findings) || check.references.length === 0)
    return { kind: 'findings', findings: check.findings };
  const judgeReferences = (lookups: NadLookup[]): Verdict => {
    const refFindings = checkNadReferences(lookups, {
      podNamespace,
      namespaceIsolation: policy.namespaceIsolation,
      globalNamespaces: policy.globalNamespaces,
    });
    if (refFindings.length === 0) return { kind: 'findings', findings: check.findings };
    // Both lists are capped (annotation findings by api/npwg, references by MAX_MISSES and the annotation size).
    return { kind: 'findings', findings: [...check.findings, ...refFindings] };
  };
  const lookups = nads.lookup(check.references);
  return lookups instanceof Promise ? lookups.then(judgeReferences) : judgeReferences(lookups);
}

export function podRoutes(nads: NadSource, policy: PodPolicy): AdmissionRoute[] {
  const review = (request: AdmissionRequest): Verdict | Promise<Verdict> =>
    reviewPodNetworks(request, nads, policy);
  return [
    { path: '/validate/pods', kinds: POD_KINDS, review },
    { path: '/validate/workloads', kinds: WORKLOAD_KINDS, review },
  ];
}
