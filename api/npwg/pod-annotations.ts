// The one entry point for a pod's network annotations, used by the webhook,
// the CLI and the node agent: reads the networks and default-network
// annotations, resolves them, checks them against each other, and lists the
// NADs they name so the caller can look them up.
import { child, hasErrors, warning, type Checked } from '../common/findings.ts';
import { FindingSink } from '../common/finding-sink.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { dns1123LabelProblem } from '../common/names.ts';
import { quote } from '../common/quote.ts';
import { suggestKey } from '../common/suggest.ts';
import { checkAttachmentSet } from './attachment-set.ts';
import type { AttachmentEntry } from './attachment-set.ts';
import { readDefaultNetwork } from './default-network.ts';
import { readNetworkSelection } from './network-selection.ts';
import {
  DEFAULT_CLUSTER_INTERFACE,
  DEFAULT_NETWORK_ANNOTATION,
  MAX_ANNOTATION_FINDINGS,
  NETWORK_STATUS_ANNOTATION,
  NETWORKS_ANNOTATION,
} from './types.ts';
import type { ResolvedAttachment } from './types.ts';

/** A pod's networks, read from its annotations with the defaults applied. */
export interface PodNetworks {
  /** Additional attachments in annotation order. */
  attachments: ResolvedAttachment[];
  /** The network replacing the cluster network, when the pod names one. */
  defaultNetwork?: ResolvedAttachment;
}

/** A NetworkAttachmentDefinition a pod's annotations name. */
export interface NadReference {
  namespace: string;
  name: string;
  /** Field path of the element (networks) or of the annotation (default-network). */
  field: string;
  /** Which annotation names it. */
  annotation: 'networks' | 'default-network';
}

export interface PodNetworkCheck extends Checked<PodNetworks> {
  /** Every NAD named by an element that could be read, errors or not, in
   * order (the default network first). */
  references: NadReference[];
}

export interface PodNetworkOptions {
  /** Field path of the annotations map; default `metadata.annotations`. */
  basePath?: string;
  /** Interface of the cluster network (CNI_IFNAME from the runtime); default `eth0`. */
  clusterInterface?: string;
  /** Namespace for a default-network name given without one (Multus: its
   * own namespace); default the pod's namespace. */
  defaultNetworkNamespace?: string;
}

// The old status key Multus still writes next to the new one.
const OLD_NETWORK_STATUS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks-status';
const KNOWN_KEYS: ReadonlySet<string> = new Set([
  NETWORKS_ANNOTATION,
  NETWORK_STATUS_ANNOTATION,
  OLD_NETWORK_STATUS_ANNOTATION,
  DEFAULT_NETWORK_ANNOTATION,
]);
const KEY_BY_SUFFIX: ReadonlyMap<string, string> = new Map([
  ['networks', NETWORKS_ANNOTATION],
  ['default-network', DEFAULT_NETWORK_ANNOTATION],
]);
const SUFFIXES = ['networks', 'default-network'] as const;
const SUFFIX_ALIASES: ReadonlyMap<string, string> = new Map([
  ['network', 'networks'],
  ['nets', 'networks'],
  ['attachments', 'networks'],
  ['defaultnetworks', 'default-network'],
]);

export function checkPodNetworkAnnotations(
  annotations: unknown,
  podNamespace: string,
  options: PodNetworkOptions = {},
): PodNetworkCheck {
  const basePath = options.basePath ?? 'metadata.annotations';
  if (annotations === undefined || annotations === null)
    return { findings: [], value: { attachments: [] }, references: [] };
  if (!isPlainObject(annotations))
    return { findings: [typeError(basePath, 'a map of strings', annotations)], references: [] };
  const out = new FindingSink(MAX_ANNOTATION_FINDINGS);
  const clusterInterface = options.clusterInterface ?? DEFAULT_CLUSTER_INTERFACE;
  const defaultEntry = readDefaultAnnotation(annotations, podNamespace, options, out);
  const entries = readNetworksAnnotation(annotations, podNamespace, basePath, out);
  checkLookalikeKeys(annotations, basePath, out);
  checkAttachmentSet(
    defaultEntry === undefined ? entries : [defaultEntry, ...entries],
    clusterInterface,
    out,
  );
  const findings = out.close(basePath);
  const clean = !hasErrors(findings);
  const references = referencesOf(defaultEntry, entries, basePath, clean);
  if (!clean) return { findings, references };
  const attachments: ResolvedAttachment[] = new Array<ResolvedAttachment>(entries.length);
  for (let i = 0; i < entries.length; i++)
    attachments[i] = (entries[i] as AttachmentEntry).attachment;
  const value: PodNetworks =
    defaultEntry === undefined
      ? { attachments }
      : { attachments, defaultNetwork: defaultEntry.attachment };
  return { findings, value, references };
}

function readDefaultAnnotation(
  annotations: Record<string, unknown>,
  podNamespace: string,
  options: PodNetworkOptions,
  out: FindingSink,
): AttachmentEntry | undefined {
  if (!Object.hasOwn(annotations, DEFAULT_NETWORK_ANNOTATION)) return undefined;
  const field = child(options.basePath ?? 'metadata.annotations', DEFAULT_NETWORK_ANNOTATION);
  const value: unknown = annotations[DEFAULT_NETWORK_ANNOTATION];
  if (typeof value !== 'string') {
    out.push(typeError(field, 'a string', value, 'quote the value in YAML'));
    return undefined;
  }
  return readDefaultNetwork(
    value,
    {
      podNamespace,
      field,
      clusterInterface: options.clusterInterface ?? DEFAULT_CLUSTER_INTERFACE,
      defaultNamespace: options.defaultNetworkNamespace,
    },
    out,
  );
}

function readNetworksAnnotation(
  annotations: Record<string, unknown>,
  podNamespace: string,
  basePath: string,
  out: FindingSink,
): AttachmentEntry[] {
  if (!Object.hasOwn(annotations, NETWORKS_ANNOTATION)) return [];
  const field = child(basePath, NETWORKS_ANNOTATION);
  return readNetworkSelection(annotations[NETWORKS_ANNOTATION], podNamespace, field, out);
}

/** The NADs named by elements whose name and namespace are usable; `clean`
 * says the checks found no error, so every name is (no need to test again). */
function referencesOf(
  defaultEntry: AttachmentEntry | undefined,
  entries: readonly AttachmentEntry[],
  basePath: string,
  clean: boolean,
): NadReference[] {
  const refs: NadReference[] = [];
  const add = (a: ResolvedAttachment, field: string, annotation: NadReference['annotation']) => {
    if (!clean && !usableNames(a)) return;
    refs.push({ namespace: a.namespace, name: a.name, field, annotation });
  };
  if (defaultEntry !== undefined)
    add(defaultEntry.attachment, child(basePath, DEFAULT_NETWORK_ANNOTATION), 'default-network');
  for (const e of entries) add(e.attachment, e.field, 'networks');
  return refs;
}

function usableNames(a: ResolvedAttachment): boolean {
  return (
    dns1123LabelProblem(a.name) === undefined && dns1123LabelProblem(a.namespace) === undefined
  );
}

/** Warns about keys that look like a misspelt network annotation, which
 * would otherwise silently attach nothing. */
function checkLookalikeKeys(
  annotations: Record<string, unknown>,
  basePath: string,
  out: FindingSink,
): void {
  for (const key in annotations) {
    if (KNOWN_KEYS.has(key)) continue;
    if (!key.includes('cni.cncf.io') && !key.includes('multus')) continue;
    const slash = key.lastIndexOf('/');
    const suffix = key.slice(slash + 1);
    const hint = suggestKey(suffix, SUFFIXES, SUFFIX_ALIASES);
    if (hint === undefined) continue;
    const meant = KEY_BY_SUFFIX.get(hint);
    if (meant === undefined || meant === key) continue;
    out.push(
      warning(
        child(basePath, key),
        `${quote(key)} is not read by Plexus or Multus, so it attaches nothing`,
        `did you mean ${quote(meant)}?`,
      ),
    );
  }
}
