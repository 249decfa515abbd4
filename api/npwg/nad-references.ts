// Turns the NAD references of a pod, once the caller has looked them up,
// into findings. Pure: the webhook resolves references from its informer
// cache (one GET on a miss), `plexus validate` from the manifest set.
import { error, type Finding } from '../common/findings.ts';
import { quote } from '../common/quote.ts';
import { DEFAULT_GLOBAL_NAMESPACES } from '../common/isolation.ts';
import type { NadReference } from './pod-annotations.ts';

/** One reference and whether the NAD it names exists. */
export interface NadLookup {
  reference: NadReference;
  exists: boolean;
}

export interface NadReferenceOptions {
  /** The pod's namespace. */
  podNamespace: string;
  /** Multus' namespaceIsolation: a pod may attach only NADs of its own
   * namespace or of a global namespace. Off by default, as in Multus. */
  namespaceIsolation?: boolean;
  /** Multus' globalNamespaces, open to every pod under isolation; default
   * `["default"]`, as Multus. */
  globalNamespaces?: readonly string[];
}

export function checkNadReferences(
  lookups: readonly NadLookup[],
  opts: NadReferenceOptions,
): Finding[] {
  const findings: Finding[] = [];
  const globals = opts.globalNamespaces ?? DEFAULT_GLOBAL_NAMESPACES;
  for (const { reference: r, exists } of lookups) {
    const nad = `${r.namespace}/${r.name}`;
    // Multus checks isolation for the networks annotation only, before the lookup.
    if (
      opts.namespaceIsolation === true &&
      r.annotation === 'networks' &&
      r.namespace !== opts.podNamespace &&
      !globals.includes(r.namespace)
    ) {
      findings.push(
        error(
          r.field,
          `namespace isolation: a pod in namespace ${quote(opts.podNamespace)} may only attach NetworkAttachmentDefinitions of its own namespace or of ${globals.map(quote).join(', ') || 'no global namespace'}, not ${quote(nad)}`,
          `create the NetworkAttachmentDefinition in ${quote(opts.podNamespace)}, or add ${quote(r.namespace)} to Multus' globalNamespaces`,
        ),
      );
      continue;
    }
    if (exists) continue;
    findings.push(
      r.annotation === 'default-network'
        ? error(
            r.field,
            `the default network NetworkAttachmentDefinition ${quote(nad)} does not exist, so the pod gets no cluster network and cannot start`,
            `create ${quote(nad)}, or remove the annotation to use the cluster network`,
          )
        : error(
            r.field,
            `NetworkAttachmentDefinition ${quote(nad)} does not exist, so the pod cannot start`,
            `create it in namespace ${quote(r.namespace)}, or correct the name`,
          ),
    );
  }
  return findings;
}
