// NetworkAttachmentDefinitions for the CNI engine: from the informer cache, one GET for a NAD
// the cache has not seen (created a moment before the pod), each config checked once per
// resourceVersion. A NAD without spec.config is looked up on disk by name (NPWG v1.3 §3.4.1).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkNadConfig, NODE_CONFLIST_FILE } from '../../api/cni/index.ts';
import type { NadConfigResult } from '../../api/cni/index.ts';
import { NETWORK_ATTACHMENT_DEFINITIONS, isNotFound } from '../../lib/kube/index.ts';
import type { Informer, KubeClient, NetworkAttachmentDefinition } from '../../lib/kube/index.ts';
import { readRegularFile } from '../agent/regular-file.ts';
import { CNI_CODES, CniFailure } from '../cni/cni-error.ts';

export class NadSource {
  private readonly client: KubeClient;
  private readonly informer: Informer<NetworkAttachmentDefinition>;
  private readonly confDir: string;
  private readonly checked = new Map<string, { rv: string; result: NadConfigResult }>();
  /** GETs made because the cache missed. */
  gets = 0;

  constructor(
    client: KubeClient,
    informer: Informer<NetworkAttachmentDefinition>,
    confDir: string,
  ) {
    this.client = client;
    this.informer = informer;
    this.confDir = confDir;
    informer.on('delete', (nad) => this.checked.delete(keyOf(nad)));
  }

  /** The NAD, or undefined when the API server does not have it either. */
  async get(namespace: string, name: string): Promise<NetworkAttachmentDefinition | undefined> {
    const hit = this.informer.store.get(`${namespace}/${name}`);
    if (hit !== undefined) return hit;
    this.gets++;
    try {
      return await this.client.get(NETWORK_ATTACHMENT_DEFINITIONS, { namespace, name });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw new CniFailure(
        CNI_CODES.tryAgainLater,
        `could not read NetworkAttachmentDefinition ${namespace}/${name} from the API server`,
        (e as Error).message,
      );
    }
  }

  /** The NAD's config, checked (once per resourceVersion). */
  async config(nad: NetworkAttachmentDefinition): Promise<NadConfigResult> {
    const key = keyOf(nad);
    const rv = nad.metadata?.resourceVersion ?? '';
    const memo = this.checked.get(key);
    if (memo !== undefined && memo.rv === rv && rv !== '') return memo.result;
    const name = nad.metadata?.name ?? '';
    let config: unknown = nad.spec?.config;
    if (typeof config !== 'string' || config.trim() === '') config = await this.onDisk(name);
    const result = checkNadConfig(config, { nadName: name });
    this.checked.set(key, { rv, result });
    return result;
  }

  /** A config file of the conf dir whose network name is `name` (the NAD has no config). */
  private async onDisk(name: string): Promise<string> {
    let files: string[] = [];
    try {
      files = (await readdir(this.confDir)).filter((f) => /\.(conflist|conf|json)$/.test(f)).sort();
    } catch {
      // no conf dir: nothing found below
    }
    for (const f of files) {
      if (f === NODE_CONFLIST_FILE) continue;
      try {
        const text = (await readRegularFile(join(this.confDir, f), 1024 * 1024)).toString('utf8');
        if ((JSON.parse(text) as { name?: unknown }).name === name) return text;
      } catch {
        // unreadable: not this one
      }
    }
    throw new CniFailure(
      CNI_CODES.invalidConfig,
      `NetworkAttachmentDefinition ${name} has no spec.config and no file in ${this.confDir} has the network name ${name}`,
      'put the CNI config in spec.config',
    );
  }
}

function keyOf(nad: NetworkAttachmentDefinition): string {
  return `${nad.metadata?.namespace ?? ''}/${nad.metadata?.name ?? ''}`;
}
