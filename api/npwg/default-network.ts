// Parses Multus' `v1.multus-cni.io/default-network` annotation: the NAD that
// replaces the cluster network for one pod. Multus reads it with the same
// parser as the networks annotation and requires exactly one element.
import { child, error, warning, type Finding } from '../common/findings.ts';
import { FindingSink } from '../common/finding-sink.ts';
import { quote } from '../common/quote.ts';
import { checkAttachmentSet } from './attachment-set.ts';
import type { AttachmentEntry } from './attachment-set.ts';
import { readSelectionElements, resolve } from './network-selection.ts';
import {
  DEFAULT_CLUSTER_INTERFACE,
  DEFAULT_NETWORK_ANNOTATION,
  MAX_ANNOTATION_FINDINGS,
  NETWORKS_ANNOTATION,
} from './types.ts';
import type { ResolvedAttachment } from './types.ts';

const DEFAULT_NETWORK_FIELD = child('metadata.annotations', DEFAULT_NETWORK_ANNOTATION);

export interface DefaultNetworkOptions {
  podNamespace: string;
  /** Field path of the annotation value; default `metadata.annotations[v1.multus-cni.io/default-network]`. */
  field?: string;
  /** Namespace for a name given without one. Multus uses its own namespace
   * (`multusNamespace`, kube-system by default) here, not the pod's; when
   * omitted the pod's namespace is used. */
  defaultNamespace?: string;
  /** The interface the runtime asks for (CNI_IFNAME); default `eth0`. */
  clusterInterface?: string;
}

export interface DefaultNetworkResult {
  /** The selected network, when the value names exactly one. */
  element?: ResolvedAttachment;
  findings: Finding[];
}

export function parseDefaultNetwork(
  value: string,
  opts: DefaultNetworkOptions,
): DefaultNetworkResult {
  const out = new FindingSink(MAX_ANNOTATION_FINDINGS);
  const entry = readDefaultNetwork(value, opts, out);
  if (entry !== undefined)
    checkAttachmentSet([entry], opts.clusterInterface ?? DEFAULT_CLUSTER_INTERFACE, out);
  const findings = out.close(opts.field ?? DEFAULT_NETWORK_FIELD);
  return entry === undefined ? { findings } : { element: entry.attachment, findings };
}

/** Reads and resolves the element without the checks across attachments. */
export function readDefaultNetwork(
  value: string,
  opts: DefaultNetworkOptions,
  out: FindingSink,
): AttachmentEntry | undefined {
  const field = opts.field ?? DEFAULT_NETWORK_FIELD;
  const clusterInterface = opts.clusterInterface ?? DEFAULT_CLUSTER_INTERFACE;
  if (value === '') {
    // Multus fails the pod on an empty value instead of ignoring it.
    out.push(
      error(
        field,
        'is empty',
        'remove the annotation to use the cluster network, or name one NetworkAttachmentDefinition',
      ),
    );
    return undefined;
  }
  const before = out.count;
  const read = readSelectionElements(value, field, out);
  if (read.total === 0) {
    // Only `[]` gets here without a finding already saying what is wrong.
    if (out.count === before) {
      out.push(
        error(
          field,
          'names no network',
          'name one NetworkAttachmentDefinition, or remove the annotation',
        ),
      );
    }
    return undefined;
  }
  if (read.total > 1) {
    out.push(
      error(
        field,
        'names more than one network; it replaces the cluster network with exactly one',
        `keep one here and list the others in ${NETWORKS_ANNOTATION}`,
      ),
    );
    return undefined;
  }
  const r = read.elements[0];
  if (r === undefined) return undefined;
  const requested = r.element.interface;
  if (requested !== undefined && requested !== clusterInterface) {
    // Multus honours it and renames the pod's primary interface, which
    // kubelet and many images expect to be eth0.
    out.push(
      warning(
        child(r.field, 'interface'),
        `renames the cluster network's interface from ${quote(clusterInterface)} to ${quote(requested)}`,
        `remove the interface name unless the pod really expects ${quote(requested)}`,
      ),
    );
  }
  const attachment = resolve(r, opts.defaultNamespace ?? opts.podNamespace, clusterInterface);
  return { attachment, field: r.field, isDefaultNetwork: true };
}
