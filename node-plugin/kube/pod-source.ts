// The pod of a CNI request: from the node-local informer cache (pods with spec.nodeName = this
// node); one GET when the cache has not seen it yet or holds an older pod of the same name.
// No polling: a pod the API server does not have fails the request.
import { PODS, isNotFound } from '../../lib/kube/index.ts';
import type { Informer, KubeClient, Pod } from '../../lib/kube/index.ts';
import { CNI_CODES, CniFailure } from '../cni/cni-error.ts';

export interface PodRef {
  namespace: string;
  name: string;
  /** K8S_POD_UID when the runtime passes it. */
  uid?: string;
}

export class PodSource {
  private readonly client: KubeClient;
  private readonly informer: Informer<Pod>;
  /** GETs made because the cache missed. */
  gets = 0;

  constructor(client: KubeClient, informer: Informer<Pod>) {
    this.client = client;
    this.informer = informer;
  }

  /** The cached pod when it is the one asked for; else undefined. */
  cached(ref: PodRef): Pod | undefined {
    const pod = this.informer.store.get(`${ref.namespace}/${ref.name}`);
    if (pod === undefined) return undefined;
    if (ref.uid !== undefined && ref.uid !== '' && pod.metadata?.uid !== ref.uid) return undefined;
    return pod;
  }

  async get(ref: PodRef): Promise<Pod> {
    const hit = this.cached(ref);
    if (hit !== undefined) return hit;
    this.gets++;
    let pod: Pod;
    try {
      pod = await this.client.get(PODS, { namespace: ref.namespace, name: ref.name });
    } catch (e) {
      if (isNotFound(e))
        throw new CniFailure(
          CNI_CODES.unknownContainer,
          `pod ${ref.namespace}/${ref.name} does not exist`,
        );
      throw new CniFailure(
        CNI_CODES.tryAgainLater,
        `could not read pod ${ref.namespace}/${ref.name} from the API server`,
        (e as Error).message,
      );
    }
    if (ref.uid !== undefined && ref.uid !== '' && pod.metadata?.uid !== ref.uid) {
      throw new CniFailure(
        CNI_CODES.unknownContainer,
        `pod ${ref.namespace}/${ref.name} has uid ${pod.metadata?.uid ?? '?'}, not ${ref.uid}: it was recreated`,
      );
    }
    return pod;
  }
}
