// The install manifest's ValidatingWebhookConfiguration is the one registration.ts builds, and
// the CEL filters send exactly the objects the handlers would not allow at once.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  hasRelevantAnnotation,
  isRelevantKey,
  POD_MATCH_CEL,
  WORKLOAD_MATCH_CEL,
} from './relevant-annotations.ts';
import { webhookConfiguration } from './registration.ts';

const MANIFEST = new URL('../manifests/base/webhooks-registration.yaml', import.meta.url);

describe('webhook registration', () => {
  it('matches manifests/base/webhooks-registration.yaml (regenerate the file if this fails)', () => {
    const built = webhookConfiguration({
      target: { service: { namespace: 'plexus-system', name: 'plexus-webhooks' } },
    });
    expect(parse(readFileSync(MANIFEST, 'utf8'))).toEqual(JSON.parse(JSON.stringify(built)));
  });

  it('fails closed with no side effects, a small timeout, and kube-system left out', () => {
    const config = webhookConfiguration({ target: { url: 'https://127.0.0.1:9443/' } });
    for (const w of config.webhooks ?? []) {
      expect(w).toMatchObject({
        failurePolicy: 'Fail',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
      });
      expect(w.timeoutSeconds).toBeLessThanOrEqual(5);
      expect(w.clientConfig.url).toMatch(/^https:\/\/127\.0\.0\.1:9443\/validate\//);
      if (w.name !== 'overlaynetworks.plexus.dev')
        expect(JSON.stringify(w.namespaceSelector)).toContain('kube-system');
    }
    expect(config.webhooks?.[0]?.matchConditions).toEqual([
      { name: 'has-plexus-annotation', expression: POD_MATCH_CEL },
    ]);
    expect(config.webhooks?.[1]?.matchConditions).toEqual([
      { name: 'template-has-plexus-annotation', expression: WORKLOAD_MATCH_CEL },
    ]);
  });
});

describe('relevant annotations', () => {
  it('are the NPWG and Multus keys and their look-alikes, not the status keys', () => {
    expect(isRelevantKey('k8s.v1.cni.cncf.io/networks')).toBe(true);
    expect(isRelevantKey('v1.multus-cni.io/default-network')).toBe(true);
    expect(isRelevantKey('k8s.v1.cni.cncf.io/network')).toBe(true);
    expect(isRelevantKey('k8s.v1.cni.cncf.io/network-status')).toBe(false);
    expect(isRelevantKey('k8s.v1.cni.cncf.io/networks-status')).toBe(false);
    expect(isRelevantKey('app.kubernetes.io/name')).toBe(false);
    expect(hasRelevantAnnotation({ team: 'a', 'k8s.v1.cni.cncf.io/network-status': '[]' })).toBe(
      false,
    );
    expect(hasRelevantAnnotation(undefined)).toBe(false);
  });
  it('are tested in CEL with every step guarded by has(), and the same key rules', () => {
    expect(POD_MATCH_CEL).toContain('has(object.metadata) && has(object.metadata.annotations)');
    expect(WORKLOAD_MATCH_CEL).toContain(
      'has(object.spec.jobTemplate.spec.template.metadata.annotations)',
    );
    expect(POD_MATCH_CEL).toContain("k != 'k8s.v1.cni.cncf.io/network-status'");
  });
});
