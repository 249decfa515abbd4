// NetworkAttachmentDefinitions: the config rules of api/cni on create and on a change of the
// spec; a NAD that names an OverlayNetwork the cluster does not have gets a warning.
import { hasErrors, isPlainObject } from '../../api/common/index.ts';
import { checkOverlayReferences, nadValidator } from '../../api/cni/index.ts';
import type { AdmissionRequest } from '../admission-review.ts';
import { ALLOW } from '../admission-response.ts';
import type { Verdict } from '../admission-response.ts';
import { groupKind } from './handler.ts';
import type { AdmissionRoute } from './handler.ts';

export const NAD_KINDS: ReadonlySet<string> = new Set([
  groupKind('k8s.cni.cncf.io', 'NetworkAttachmentDefinition'),
]);

/** Where the handler learns which OverlayNetworks exist. */
export interface OverlayNames {
  names(): ReadonlySet<string>;
}

const specOf = (obj: unknown): unknown => (isPlainObject(obj) ? obj.spec : undefined);

export function reviewNad(request: AdmissionRequest, overlays: OverlayNames): Verdict {
  const { operation, subResource } = request;
  if ((operation !== 'CREATE' && operation !== 'UPDATE') || subResource !== '') return ALLOW;
  const validator = nadValidator();
  if (operation === 'UPDATE') {
    // Metadata-only changes (labels, finalizers, the operator's apply) are not the config's business.
    if (JSON.stringify(specOf(request.oldObject)) === JSON.stringify(specOf(request.object)))
      return ALLOW;
  }
  const check =
    operation === 'UPDATE'
      ? validator.update(request.oldObject, request.object)
      : validator.create(request.object);
  if (hasErrors(check.findings) || check.overlayReferences.length === 0)
    return { kind: 'findings', findings: check.findings };
  const missing = checkOverlayReferences(check.overlayReferences, overlays.names());
  return { kind: 'findings', findings: [...check.findings, ...missing] };
}

export function nadRoute(overlays: OverlayNames): AdmissionRoute {
  return {
    path: '/validate/network-attachment-definitions',
    kinds: NAD_KINDS,
    review: (request) => reviewNad(request, overlays),
  };
}
