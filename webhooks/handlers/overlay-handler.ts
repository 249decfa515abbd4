// OverlayNetworks: the object rules and update rules of api/overlay, then overlap, VNI and etcd
// prefix against the other OverlayNetworks (the cache first, a fresh list before allowing) and
// against the cluster and service CIDRs. Whether subnets are leased comes from the stored
// object's status (subnets.allocated > 0), as the CRD's CEL rules read it.
import { hasErrors, isPlainObject } from '../../api/common/index.ts';
import type { Finding } from '../../api/common/index.ts';
import { overlayNetworkValidator } from '../../api/overlay/index.ts';
import type { ClusterCidrOptions, ResolvedOverlay } from '../../api/overlay/index.ts';
import type { AdmissionRequest } from '../admission-review.ts';
import { ALLOW } from '../admission-response.ts';
import type { Verdict } from '../admission-response.ts';
import { groupKind } from './handler.ts';
import type { AdmissionRoute } from './handler.ts';

export const OVERLAY_KINDS: ReadonlySet<string> = new Set([
  groupKind('plexus.dev', 'OverlayNetwork'),
]);

/** Where the handler finds the other OverlayNetworks. */
export interface OverlaySource {
  cached(): ResolvedOverlay[];
  fresh(): Promise<ResolvedOverlay[]>;
}

function field(obj: unknown, key: string): unknown {
  return isPlainObject(obj) ? obj[key] : undefined;
}

/** status.subnets.allocated > 0 of the stored object. */
export function leasesExist(stored: unknown): boolean {
  const allocated = field(field(field(stored, 'status'), 'subnets'), 'allocated');
  return typeof allocated === 'number' && allocated > 0;
}

function isDeleting(obj: unknown): boolean {
  return field(field(obj, 'metadata'), 'deletionTimestamp') !== undefined;
}

export async function reviewOverlay(
  request: AdmissionRequest,
  others: OverlaySource,
  cidrs: ClusterCidrOptions,
): Promise<Verdict> {
  const { operation, subResource } = request;
  if ((operation !== 'CREATE' && operation !== 'UPDATE') || subResource !== '') return ALLOW;
  if (operation === 'UPDATE') {
    // Finalizers, labels and deletion must always go through: the spec is what is judged.
    if (isDeleting(request.object)) return ALLOW;
    const before = JSON.stringify(field(request.oldObject, 'spec'));
    if (before === JSON.stringify(field(request.object, 'spec'))) return ALLOW;
  }
  const check =
    operation === 'UPDATE'
      ? overlayNetworkValidator.update(request.oldObject, request.object, {
          leasesExist: leasesExist(request.oldObject),
        })
      : overlayNetworkValidator.create(request.object);
  const candidate = check.value;
  if (candidate === undefined || hasErrors(check.findings))
    return { kind: 'findings', findings: check.findings };
  const against = (existing: ResolvedOverlay[]): Finding[] =>
    overlayNetworkValidator.against(candidate, existing, cidrs);
  const cachedFindings = against(others.cached());
  if (hasErrors(cachedFindings))
    return { kind: 'findings', findings: [...check.findings, ...cachedFindings] };
  return { kind: 'findings', findings: [...check.findings, ...against(await others.fresh())] };
}

export function overlayRoute(others: OverlaySource, cidrs: ClusterCidrOptions): AdmissionRoute {
  return {
    path: '/validate/overlaynetworks',
    kinds: OVERLAY_KINDS,
    review: (request) => reviewOverlay(request, others, cidrs),
  };
}
