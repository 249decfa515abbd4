// The ValidatingWebhookConfiguration of Plexus, built in one place for the install manifests
// (through a Service) and for dev clusters (through a URL): one webhook per route, pods and
// workloads filtered by CEL matchConditions so only objects with a Plexus-relevant annotation
// are sent, failurePolicy Fail, no side effects, a small timeout, and kube-system left out (a
// cluster must be able to start its own system pods while the webhook is down).
import type { ValidatingWebhookConfiguration, WebhookClientConfig } from './certs/ca-bundle.ts';
import { POD_MATCH_CEL, WORKLOAD_MATCH_CEL } from './relevant-annotations.ts';

export const WEBHOOK_CONFIGURATION_NAME = 'plexus-webhooks';
export const DEFAULT_TIMEOUT_SECONDS = 5;

/** How the API server reaches the webhook: a base URL (dev) or a Service (in cluster). */
export type WebhookTarget =
  { url: string } | { service: { namespace: string; name: string; port?: number } };

export interface RegistrationOptions {
  target: WebhookTarget;
  /** Base64 PEM CA bundle; omitted when cert-manager's CA injector or the webhook fills it. */
  caBundle?: string;
  name?: string;
  timeoutSeconds?: number;
  /** Namespaces never sent (default kube-system). */
  excludedNamespaces?: readonly string[];
}

interface Rule {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: string[];
  scope?: string;
}

const rule = (group: string, version: string, resources: string[], scope?: string): Rule => ({
  apiGroups: [group],
  apiVersions: [version],
  resources,
  operations: ['CREATE', 'UPDATE'],
  ...(scope === undefined ? {} : { scope }),
});

function clientConfig(target: WebhookTarget, path: string, caBundle?: string): WebhookClientConfig {
  const ca = caBundle === undefined ? {} : { caBundle };
  if ('url' in target) return { url: `${target.url.replace(/\/$/, '')}${path}`, ...ca };
  return { service: { ...target.service, port: target.service.port ?? 443, path }, ...ca };
}

export function webhookConfiguration(opts: RegistrationOptions): ValidatingWebhookConfiguration {
  const excluded = opts.excludedNamespaces ?? ['kube-system'];
  const namespaceSelector = {
    matchExpressions: [
      { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...excluded] },
    ],
  };
  const common = (name: string, path: string) => ({
    name,
    admissionReviewVersions: ['v1'],
    clientConfig: clientConfig(opts.target, path, opts.caBundle),
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    sideEffects: 'None',
    timeoutSeconds: opts.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
  });
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: {
      name: opts.name ?? WEBHOOK_CONFIGURATION_NAME,
      labels: { 'app.kubernetes.io/name': 'plexus-webhooks' },
    },
    webhooks: [
      {
        ...common('pods.plexus.dev', '/validate/pods'),
        rules: [rule('', 'v1', ['pods'], 'Namespaced')],
        namespaceSelector,
        matchConditions: [{ name: 'has-plexus-annotation', expression: POD_MATCH_CEL }],
      },
      {
        ...common('workloads.plexus.dev', '/validate/workloads'),
        rules: [
          rule(
            'apps',
            'v1',
            ['deployments', 'statefulsets', 'daemonsets', 'replicasets'],
            'Namespaced',
          ),
          rule('batch', 'v1', ['jobs', 'cronjobs'], 'Namespaced'),
          rule('', 'v1', ['replicationcontrollers'], 'Namespaced'),
        ],
        namespaceSelector,
        matchConditions: [
          { name: 'template-has-plexus-annotation', expression: WORKLOAD_MATCH_CEL },
        ],
      },
      {
        ...common(
          'network-attachment-definitions.plexus.dev',
          '/validate/network-attachment-definitions',
        ),
        rules: [rule('k8s.cni.cncf.io', 'v1', ['network-attachment-definitions'], 'Namespaced')],
        namespaceSelector,
      },
      {
        ...common('overlaynetworks.plexus.dev', '/validate/overlaynetworks'),
        rules: [rule('plexus.dev', 'v1alpha1', ['overlaynetworks'], 'Cluster')],
      },
    ],
  };
}
