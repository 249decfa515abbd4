// Which namespaces get the NAD the operator generates for an OverlayNetwork.
// The operator resolves a namespaceSelector against live Namespaces; offline
// (plexus validate) a selector means "some namespaces we cannot list".
import { isPlainObject } from '../findings.ts';

export interface AttachmentScope {
  /** Namespaces named explicitly in spec.attachment.namespaces. */
  namespaces: string[];
  /** True when spec.attachment.namespaceSelector may add more. */
  bySelector: boolean;
}

export function attachmentScope(on: unknown): AttachmentScope {
  const spec = isPlainObject(on) ? on['spec'] : undefined;
  const att = isPlainObject(spec) ? spec['attachment'] : undefined;
  if (!isPlainObject(att)) return { namespaces: [], bySelector: false };
  const ns = att['namespaces'];
  return {
    namespaces: Array.isArray(ns) ? ns.filter((n): n is string => typeof n === 'string') : [],
    bySelector: isPlainObject(att['namespaceSelector']),
  };
}

/** Whether the OverlayNetwork may generate its NAD in `namespace`. */
export function mayAttachIn(scope: AttachmentScope, namespace: string): boolean {
  return scope.bySelector || scope.namespaces.includes(namespace);
}
