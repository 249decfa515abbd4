// A pod's networks for ADD: its annotations checked with the same rules the webhook uses,
// then every NAD they name looked up (cache first, one GET on a miss), isolation applied and
// each config checked. A missing NAD records a NoNetworkFound event on the pod.
import type { NormalizedNetConf, PlexusMetaConfig } from '../../api/cni/index.ts';
import { hasErrors } from '../../api/common/index.ts';
import { checkNadReferences, checkPodNetworkAnnotations } from '../../api/npwg/index.ts';
import type { NadLookup, PodNetworks } from '../../api/npwg/index.ts';
import type { Pod } from '../../lib/kube/index.ts';
import { CNI_CODES, CniFailure } from '../cni/cni-error.ts';
import { describeFindings, nadKey } from './delegate-plan.ts';
import type { KubeDeps } from './engine-deps.ts';

export interface PodNetworkSet {
  networks: PodNetworks;
  nadConfigs: Map<string, NormalizedNetConf>;
}

export async function resolvePodNetworks(
  kube: KubeDeps,
  pod: Pod,
  meta: PlexusMetaConfig,
  clusterIfName: string,
): Promise<PodNetworkSet> {
  const namespace = pod.metadata?.namespace ?? '';
  const podKey = `${namespace}/${pod.metadata?.name ?? ''}`;
  const check = checkPodNetworkAnnotations(pod.metadata?.annotations, namespace, {
    clusterInterface: clusterIfName,
    defaultNetworkNamespace: meta.defaultNetworkNamespace,
  });
  if (check.value === undefined || hasErrors(check.findings))
    throw new CniFailure(
      CNI_CODES.invalidConfig,
      `pod ${podKey}: its network annotations are invalid`,
      describeFindings(check.findings),
    );
  const lookups: NadLookup[] = [];
  const found = new Map<string, Awaited<ReturnType<KubeDeps['nads']['get']>>>();
  for (const reference of check.references) {
    const key = nadKey(reference.namespace, reference.name);
    if (!found.has(key)) found.set(key, await kube.nads.get(reference.namespace, reference.name));
    lookups.push({ reference, exists: found.get(key) !== undefined });
  }
  const refFindings = checkNadReferences(lookups, {
    podNamespace: namespace,
    namespaceIsolation: meta.namespaceIsolation,
    globalNamespaces: meta.globalNamespaces,
  });
  if (hasErrors(refFindings)) {
    const message = describeFindings(refFindings);
    if (lookups.some((l) => !l.exists)) kube.events.noNetworkFound(pod, message);
    throw new CniFailure(
      CNI_CODES.invalidConfig,
      `pod ${podKey}: a network it names cannot be used`,
      message,
    );
  }
  const nadConfigs = new Map<string, NormalizedNetConf>();
  for (const [key, nad] of found) {
    if (nad === undefined) continue;
    const result = await kube.nads.config(nad);
    if (result.value === undefined || hasErrors(result.findings))
      throw new CniFailure(
        CNI_CODES.invalidConfig,
        `NetworkAttachmentDefinition ${key} has an invalid config`,
        describeFindings(result.findings),
      );
    nadConfigs.set(key, result.value);
  }
  return { networks: check.value, nadConfigs };
}
