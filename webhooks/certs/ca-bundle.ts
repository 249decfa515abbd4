// Keeps every webhook's clientConfig.caBundle in a ValidatingWebhookConfiguration equal to one
// CA bundle: read, compare, and replace only when different, against the resourceVersion read
// (a conflict means someone else wrote: read again). Replicas that hold the same bundle
// therefore write at most once between them.
import { isConflict, isNotFound } from '../../lib/kube/index.ts';
import type { KubeClient, KubeObject, ResourceType } from '../../lib/kube/index.ts';
import type { Logger } from '../../lib/log/index.ts';

export interface WebhookClientConfig {
  url?: string;
  service?: { namespace: string; name: string; path?: string; port?: number };
  caBundle?: string;
}

export interface ValidatingWebhook {
  name: string;
  clientConfig: WebhookClientConfig;
  [field: string]: unknown;
}

export interface ValidatingWebhookConfiguration extends KubeObject {
  webhooks?: ValidatingWebhook[];
}

export const VALIDATING_WEBHOOK_CONFIGURATIONS: ResourceType<ValidatingWebhookConfiguration> = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  plural: 'validatingwebhookconfigurations',
  kind: 'ValidatingWebhookConfiguration',
  namespaced: false,
};

const MAX_ATTEMPTS = 5;

/** Returns true when it wrote the configuration. A configuration that does not exist yet (the
 * manifests applied in another order) is not an error: the next periodic check fills it. */
export async function syncCaBundle(
  client: KubeClient,
  name: string,
  caBundlePem: string,
  logger: Logger,
): Promise<boolean> {
  const want = Buffer.from(caBundlePem, 'utf8').toString('base64');
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let config: ValidatingWebhookConfiguration;
    try {
      config = await client.get(VALIDATING_WEBHOOK_CONFIGURATIONS, { name });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      logger.warn(
        { key: name },
        'ValidatingWebhookConfiguration not found yet; its caBundle is set once it exists',
      );
      return false;
    }
    const webhooks = config.webhooks ?? [];
    if (webhooks.every((w) => w.clientConfig.caBundle === want)) return false;
    const next: ValidatingWebhookConfiguration = {
      ...config,
      webhooks: webhooks.map((w) => ({
        ...w,
        clientConfig: { ...w.clientConfig, caBundle: want },
      })),
    };
    try {
      await client.replace(VALIDATING_WEBHOOK_CONFIGURATIONS, next);
      logger.info({ key: name, webhooks: webhooks.length }, 'caBundle updated');
      return true;
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }
  throw new Error(
    `ValidatingWebhookConfiguration ${name} kept changing under ${MAX_ATTEMPTS} attempts to set its caBundle; check what else writes it`,
  );
}
