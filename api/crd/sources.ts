// The CRDs Plexus installs, described from api/resources.
import { buildCrd, renderCrdYaml, type CrdSource } from './build.ts';
import { PLEXUS_CATEGORY, PLEXUS_GROUP, PLEXUS_VERSION } from '../resources/common.ts';
import {
  NAD_GROUP,
  NAD_KIND,
  NAD_PLURAL,
  NAD_SHORT_NAMES,
  NAD_SINGULAR,
  NAD_VERSION,
  NetworkAttachmentDefinitionSchema,
} from '../resources/network-attachment-definition.ts';
import {
  NODE_NETWORK_CONFIG_KIND,
  NODE_NETWORK_CONFIG_PLURAL,
  NODE_NETWORK_CONFIG_PRINTER_COLUMNS,
  NODE_NETWORK_CONFIG_SHORT_NAMES,
  NODE_NETWORK_CONFIG_SINGULAR,
  NodeNetworkConfigSchema,
} from '../resources/node-network-config.ts';
import {
  OVERLAY_NETWORK_KIND,
  OVERLAY_NETWORK_PLURAL,
  OVERLAY_NETWORK_PRINTER_COLUMNS,
  OVERLAY_NETWORK_SHORT_NAMES,
  OVERLAY_NETWORK_SINGULAR,
  OverlayNetworkSchema,
} from '../resources/overlay-network.ts';

export const CRD_SOURCES: readonly CrdSource[] = [
  {
    group: PLEXUS_GROUP,
    version: PLEXUS_VERSION,
    kind: OVERLAY_NETWORK_KIND,
    plural: OVERLAY_NETWORK_PLURAL,
    singular: OVERLAY_NETWORK_SINGULAR,
    shortNames: OVERLAY_NETWORK_SHORT_NAMES,
    categories: [PLEXUS_CATEGORY],
    scope: 'Cluster',
    schema: OverlayNetworkSchema,
    statusSubresource: true,
    printerColumns: OVERLAY_NETWORK_PRINTER_COLUMNS,
  },
  {
    group: PLEXUS_GROUP,
    version: PLEXUS_VERSION,
    kind: NODE_NETWORK_CONFIG_KIND,
    plural: NODE_NETWORK_CONFIG_PLURAL,
    singular: NODE_NETWORK_CONFIG_SINGULAR,
    shortNames: NODE_NETWORK_CONFIG_SHORT_NAMES,
    categories: [PLEXUS_CATEGORY],
    scope: 'Cluster',
    schema: NodeNetworkConfigSchema,
    statusSubresource: true,
    printerColumns: NODE_NETWORK_CONFIG_PRINTER_COLUMNS,
  },
  {
    group: NAD_GROUP,
    version: NAD_VERSION,
    kind: NAD_KIND,
    plural: NAD_PLURAL,
    singular: NAD_SINGULAR,
    shortNames: NAD_SHORT_NAMES,
    scope: 'Namespaced',
    schema: NetworkAttachmentDefinitionSchema,
    statusSubresource: false,
  },
];

/** File name → YAML text, as crds/ should hold them. */
export function renderedCrdFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const src of CRD_SOURCES)
    files[`${src.group}_${src.plural}.yaml`] = renderCrdYaml(buildCrd(src));
  return files;
}
