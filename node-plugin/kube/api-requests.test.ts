import { describe, expect, it } from 'vitest';
import { resourceOfPath } from './api-requests.ts';

describe('resourceOfPath', () => {
  it('names the resource (and subresource) of core, group and namespaced paths', () => {
    expect(resourceOfPath('/api/v1/namespaces/default/pods/web/status')).toBe('pods/status');
    expect(resourceOfPath('/api/v1/namespaces/default/pods/web')).toBe('pods');
    expect(resourceOfPath('/api/v1/pods?fieldSelector=spec.nodeName%3Dn')).toBe('pods');
    expect(resourceOfPath('/apis/events.k8s.io/v1/namespaces/default/events')).toBe('events');
    expect(resourceOfPath('/apis/plexus.dev/v1alpha1/nodenetworkconfigs/n1/status')).toBe(
      'nodenetworkconfigs/status',
    );
    expect(resourceOfPath('/api/v1/namespaces')).toBe('namespaces');
  });
});
