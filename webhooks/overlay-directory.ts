// The OverlayNetworks in the cluster, resolved, for the checks of one against the others and
// for the NAD check's names: an informer cache, each object resolved once per resourceVersion.
// Before an OverlayNetwork is allowed, a fresh list confirms what the cache said, so a network
// created a moment ago (not yet in the cache) is not missed.
import { overlayNetworkValidator } from '../api/overlay/index.ts';
import type { ResolvedOverlay } from '../api/overlay/index.ts';
import { Informer, OVERLAY_NETWORKS } from '../lib/kube/index.ts';
import type { KubeClient, OverlayNetwork } from '../lib/kube/index.ts';
import type { Logger } from '../lib/log/index.ts';

export interface OverlayDirectoryOptions {
  client: KubeClient;
  logger?: Logger;
  /** Deadline of the confirming list; default 2 s. */
  listTimeoutMs?: number;
}

interface Memo {
  resourceVersion: string;
  resolved: ResolvedOverlay | undefined;
}

export class OverlayDirectory {
  readonly informer: Informer<OverlayNetwork>;
  private readonly client: KubeClient;
  private readonly listTimeoutMs: number;
  private readonly memo = new Map<string, Memo>();

  constructor(opts: OverlayDirectoryOptions) {
    this.client = opts.client;
    this.listTimeoutMs = opts.listTimeoutMs ?? 2000;
    this.informer = new Informer({
      client: opts.client,
      type: OVERLAY_NETWORKS,
      ...(opts.logger === undefined ? {} : { logger: opts.logger }),
    });
    this.informer.on('delete', (obj) => this.memo.delete(obj.metadata?.name ?? ''));
  }

  start(): this {
    this.informer.start();
    return this;
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  /** Names of the OverlayNetworks in the cache. */
  names(): ReadonlySet<string> {
    return new Set(this.informer.store.keys());
  }

  /** The stored networks that resolve (an invalid stored one has no overlap to check). */
  cached(): ResolvedOverlay[] {
    return this.resolveAll(this.informer.store.list());
  }

  /** The same, from a fresh list of the API server. */
  async fresh(): Promise<ResolvedOverlay[]> {
    const { items } = await this.client.listAll(OVERLAY_NETWORKS, {
      signal: AbortSignal.timeout(this.listTimeoutMs),
    });
    return this.resolveAll(items);
  }

  private resolveAll(items: readonly OverlayNetwork[]): ResolvedOverlay[] {
    const out: ResolvedOverlay[] = [];
    for (const obj of items) {
      const r = this.resolve(obj);
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  private resolve(obj: OverlayNetwork): ResolvedOverlay | undefined {
    const name = obj.metadata?.name ?? '';
    const rv = obj.metadata?.resourceVersion ?? '';
    const hit = this.memo.get(name);
    if (hit !== undefined && rv !== '' && hit.resourceVersion === rv) return hit.resolved;
    const resolved = overlayNetworkValidator.create(obj).value;
    if (rv !== '') this.memo.set(name, { resourceVersion: rv, resolved });
    return resolved;
  }
}
