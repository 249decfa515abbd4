// The one entry point for a pod's network annotations, used by the webhook,
// the CLI and the node agent: reads the networks and default-network
// annotations, resolves them, and checks them against each other.
import { child, error, isPlainObject, warning, describeType } from '../findings.ts';
import type { Finding } from '../findings.ts';
import { checkAttachmentSet } from './attachment-set.ts';
import type { AttachmentEntry } from './attachment-set.ts';
import { readDefaultNetwork } from './default-network.ts';
import { readNetworkSelection } from './network-selection.ts';
import { suggestKey } from './suggest.ts';
import {
  DEFAULT_CLUSTER_INTERFACE,
  DEFAULT_NETWORK_ANNOTATION,
  NETWORK_STATUS_ANNOTATION,
  NETWORKS_ANNOTATION,
} from './types.ts';
import type { ResolvedAttachment } from './types.ts';
import { show } from './values.ts';

export interface PodNetworkAnnotations {
  /** Additional attachments in annotation order. Trust them only when
   * `findings` has no errors. */
  attachments: ResolvedAttachment[];
  /** The network replacing the cluster network, when the pod names one. */
  defaultNetwork?: ResolvedAttachment;
  findings: Finding[];
}

export interface PodNetworkOptions {
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
  annotations: Record<string, string> | undefined,
  podNamespace: string,
  basePath = 'metadata.annotations',
  options: PodNetworkOptions = {},
): PodNetworkAnnotations {
  const findings: Finding[] = [];
  if (annotations === undefined || annotations === null) return { attachments: [], findings };
  if (!isPlainObject(annotations)) {
    findings.push(error(basePath, `must be a map of strings (got ${describeType(annotations)})`));
    return { attachments: [], findings };
  }
  const clusterInterface = options.clusterInterface ?? DEFAULT_CLUSTER_INTERFACE;

  let defaultEntry: AttachmentEntry | undefined;
  if (Object.hasOwn(annotations, DEFAULT_NETWORK_ANNOTATION)) {
    const field = child(basePath, DEFAULT_NETWORK_ANNOTATION);
    const value: unknown = annotations[DEFAULT_NETWORK_ANNOTATION];
    if (typeof value !== 'string') {
      findings.push(
        error(field, `must be a string (got ${describeType(value)})`, 'quote the value in YAML'),
      );
    } else {
      defaultEntry = readDefaultNetwork(
        value,
        {
          podNamespace,
          field,
          clusterInterface,
          defaultNamespace: options.defaultNetworkNamespace,
        },
        findings,
      );
    }
  }

  let entries: AttachmentEntry[] = [];
  if (Object.hasOwn(annotations, NETWORKS_ANNOTATION)) {
    const field = child(basePath, NETWORKS_ANNOTATION);
    const value: unknown = annotations[NETWORKS_ANNOTATION];
    if (typeof value !== 'string') {
      // A YAML list or map written without quotes arrives here.
      findings.push(
        error(
          field,
          `must be a string (got ${describeType(value)})`,
          'quote the value in YAML, e.g. \'[{"name": "my-network"}]\' or "net-a, net-b"',
        ),
      );
    } else {
      entries = readNetworkSelection(value, podNamespace, field, findings);
    }
  }

  checkLookalikeKeys(annotations, basePath, findings);

  const all = defaultEntry === undefined ? entries : [defaultEntry, ...entries];
  checkAttachmentSet(all, clusterInterface, findings);
  const attachments: ResolvedAttachment[] = new Array<ResolvedAttachment>(entries.length);
  for (let i = 0; i < entries.length; i++)
    attachments[i] = (entries[i] as AttachmentEntry).attachment;
  return defaultEntry === undefined
    ? { attachments, findings }
    : { attachments, defaultNetwork: defaultEntry.attachment, findings };
}

/** Warns about keys that look like a misspelt network annotation, which
 * would otherwise silently attach nothing. */
function checkLookalikeKeys(
  annotations: Record<string, unknown>,
  basePath: string,
  findings: Finding[],
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
    findings.push(
      warning(
        child(basePath, key),
        `${show(key)} is not read by Plexus or Multus, so it attaches nothing`,
        `did you mean ${show(meant)}?`,
      ),
    );
  }
}
