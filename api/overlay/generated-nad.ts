// The NetworkAttachmentDefinition the operator generates for an OverlayNetwork
// in each namespace it attaches to, and how a NAD is told apart as generated.
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  NAD_API_VERSION,
  NAD_KIND,
} from '../resources/network-attachment-definition-names.ts';
import type { NetworkAttachmentDefinition } from '../resources/network-attachment-definition.ts';
import type { AttachmentScope } from './resolved.ts';
import { matchesLabelSelector } from './selector.ts';

/** Label naming the OverlayNetwork a generated NAD belongs to. */
export const OVERLAY_NETWORK_LABEL = 'plexus.dev/overlay-network';
/** The CNI plugin type of overlay attachments (implemented by the node agent). */
export const OVERLAY_PLUGIN_TYPE = 'plexus-overlay';
/** The CNI version generated NADs declare: the highest Debian's reference plugins speak. */
export const GENERATED_NAD_CNI_VERSION = '1.0.0';

/** `{"cniVersion":"1.0.0","name":"blue","type":"plexus-overlay","network":"blue"}`. */
export function generatedNadConfig(network: string): string {
  return JSON.stringify({
    cniVersion: GENERATED_NAD_CNI_VERSION,
    name: network,
    type: OVERLAY_PLUGIN_TYPE,
    network,
  });
}

/** The whole NAD, as the operator applies it (server-side apply sends exactly these fields). */
export function generatedNad(network: string, namespace: string): NetworkAttachmentDefinition {
  return {
    apiVersion: NAD_API_VERSION,
    kind: NAD_KIND,
    metadata: {
      name: network,
      namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [OVERLAY_NETWORK_LABEL]: network },
    },
    spec: { config: generatedNadConfig(network) },
  };
}

/** The OverlayNetwork a NAD was generated for, from its labels; undefined for a NAD someone wrote. */
export function generatedFor(
  labels: Readonly<Record<string, string>> | undefined,
): string | undefined {
  if (labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) return undefined;
  return labels[OVERLAY_NETWORK_LABEL];
}

/** Whether the network attaches to a namespace with these labels (the operator sees live Namespaces). */
export function attachesTo(
  scope: AttachmentScope,
  namespace: string,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (scope.namespaces.includes(namespace)) return true;
  return scope.selector !== undefined && matchesLabelSelector(scope.selector, namespaceLabels);
}
