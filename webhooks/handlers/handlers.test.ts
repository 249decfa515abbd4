// The three handlers on AdmissionRequests as the API server sends them; the NAD and
// OverlayNetwork sources are in-memory here (the e2e tests use the real caches).
import { describe, expect, it } from 'vitest';
import type { NadLookup, NadReference } from '../../api/npwg/index.ts';
import { overlayNetworkValidator } from '../../api/overlay/index.ts';
import type { ResolvedOverlay } from '../../api/overlay/index.ts';
import type { AdmissionRequest } from '../admission-review.ts';
import type { Verdict } from '../admission-response.ts';
import { reviewNad } from './nad-handler.ts';
import { leasesExist, reviewOverlay } from './overlay-handler.ts';
import { reviewPodNetworks } from './pod-handler.ts';
import type { NadSource, PodPolicy } from './pod-handler.ts';

const NETWORKS = 'k8s.v1.cni.cncf.io/networks';

function request(
  partial: Partial<AdmissionRequest> & Pick<AdmissionRequest, 'kind'>,
): AdmissionRequest {
  return {
    uid: 'u1',
    operation: 'CREATE',
    namespace: 'team-a',
    name: 'x',
    subResource: '',
    dryRun: false,
    object: null,
    oldObject: null,
    ...partial,
  };
}

const POD = { group: '', version: 'v1', kind: 'Pod' };
const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };
const CRONJOB = { group: 'batch', version: 'v1', kind: 'CronJob' };

const pod = (annotations?: Record<string, string>): unknown => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'team-a', ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'c', image: 'x' }] },
});

class FakeNads implements NadSource {
  readonly existing: Set<string>;
  calls = 0;
  constructor(keys: string[]) {
    this.existing = new Set(keys);
  }
  lookup(refs: readonly NadReference[]): Promise<NadLookup[]> {
    this.calls++;
    return Promise.resolve(
      refs.map((reference) => ({
        reference,
        exists: this.existing.has(`${reference.namespace}/${reference.name}`),
      })),
    );
  }
}

const OPEN: PodPolicy = { namespaceIsolation: false, globalNamespaces: ['default'] };

function errors(v: Verdict): string[] {
  if (v.kind === 'error') return [`error ${v.code}: ${v.message}`];
  return v.findings.filter((f) => f.severity === 'error').map((f) => `${f.field}: ${f.message}`);
}
function warnings(v: Verdict): string[] {
  return v.kind === 'error'
    ? []
    : v.findings.filter((f) => f.severity === 'warning').map((f) => f.field);
}

describe('pod handler', () => {
  it('allows a pod without Plexus annotations without looking anything up', async () => {
    const nads = new FakeNads([]);
    const v = await reviewPodNetworks(
      request({ kind: POD, object: pod({ app: 'x' }) }),
      nads,
      OPEN,
    );
    expect(errors(v)).toEqual([]);
    expect(nads.calls).toBe(0);
  });

  it('rejects a bad annotation naming the element and field', async () => {
    const v = await reviewPodNetworks(
      request({ kind: POD, object: pod({ [NETWORKS]: 'macvlan@eth0' }) }),
      new FakeNads(['team-a/macvlan']),
      OPEN,
    );
    expect(errors(v).join('\n')).toMatch(
      /^metadata\.annotations\[k8s\.v1\.cni\.cncf\.io\/networks\]\[0\]/,
    );
  });

  it('admits a good annotation whose NADs exist, and rejects a missing NAD', async () => {
    const nads = new FakeNads(['team-a/macvlan', 'default/blue']);
    const good = await reviewPodNetworks(
      request({ kind: POD, object: pod({ [NETWORKS]: 'macvlan, default/blue@data0' }) }),
      nads,
      OPEN,
    );
    expect(errors(good)).toEqual([]);
    const missing = await reviewPodNetworks(
      request({ kind: POD, object: pod({ [NETWORKS]: 'macvlan, nope' }) }),
      nads,
      OPEN,
    );
    expect(errors(missing)).toEqual([
      'metadata.annotations[k8s.v1.cni.cncf.io/networks][1]: NetworkAttachmentDefinition "team-a/nope" does not exist, so the pod cannot start',
    ]);
  });

  it('applies namespace isolation only when on, with global namespaces open', async () => {
    const nads = new FakeNads(['other/net', 'shared/net']);
    const obj = pod({ [NETWORKS]: 'other/net, shared/net' });
    expect(
      errors(await reviewPodNetworks(request({ kind: POD, object: obj }), nads, OPEN)),
    ).toEqual([]);
    const isolated = await reviewPodNetworks(request({ kind: POD, object: obj }), nads, {
      namespaceIsolation: true,
      globalNamespaces: ['shared'],
    });
    expect(errors(isolated)).toHaveLength(1);
    expect(errors(isolated)[0]).toContain('namespace isolation');
    expect(errors(isolated)[0]).toContain('[0]');
  });

  it('requires the default-network NAD to exist', async () => {
    const v = await reviewPodNetworks(
      request({ kind: POD, object: pod({ 'v1.multus-cni.io/default-network': 'calico' }) }),
      new FakeNads([]),
      OPEN,
    );
    expect(errors(v)[0]).toContain(
      'the default network NetworkAttachmentDefinition "team-a/calico" does not exist',
    );
  });

  it('warns about a look-alike key (it reaches the webhook through the CEL filter too)', async () => {
    const v = await reviewPodNetworks(
      request({ kind: POD, object: pod({ 'k8s.v1.cni.cncf.io/network': 'macvlan' }) }),
      new FakeNads([]),
      OPEN,
    );
    expect(errors(v)).toEqual([]);
    expect(warnings(v)).toEqual(['metadata.annotations[k8s.v1.cni.cncf.io/network]']);
  });

  it('allows an update that leaves the network annotations alone, even if they are bad', async () => {
    const nads = new FakeNads([]);
    const bad = pod({ [NETWORKS]: 'missing', other: 'a' });
    const relabelled = pod({ [NETWORKS]: 'missing', other: 'b' });
    const v = await reviewPodNetworks(
      request({ kind: POD, operation: 'UPDATE', oldObject: bad, object: relabelled }),
      nads,
      OPEN,
    );
    expect(errors(v)).toEqual([]);
    expect(nads.calls).toBe(0);
    const changed = await reviewPodNetworks(
      request({
        kind: POD,
        operation: 'UPDATE',
        oldObject: bad,
        object: pod({ [NETWORKS]: 'other' }),
      }),
      nads,
      OPEN,
    );
    expect(errors(changed)).toHaveLength(1);
    expect(warnings(changed)).toContain(`metadata.annotations[${NETWORKS}]`);
  });

  it('checks the pod template of a Deployment and of a CronJob', async () => {
    const template = (annotations: Record<string, string>) => ({
      metadata: { annotations },
      spec: { containers: [] },
    });
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'team-a' },
      spec: { template: template({ [NETWORKS]: 'a@eth0' }) },
    };
    const dv = await reviewPodNetworks(
      request({ kind: DEPLOYMENT, object: deployment }),
      new FakeNads(['team-a/a']),
      OPEN,
    );
    expect(errors(dv)[0]).toMatch(
      /^spec\.template\.metadata\.annotations\[k8s\.v1\.cni\.cncf\.io\/networks\]\[0\]/,
    );
    const cronjob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c', namespace: 'team-a' },
      spec: { jobTemplate: { spec: { template: template({ [NETWORKS]: 'gone' }) } } },
    };
    const cv = await reviewPodNetworks(
      request({ kind: CRONJOB, object: cronjob }),
      new FakeNads([]),
      OPEN,
    );
    expect(errors(cv)[0]).toContain('spec.jobTemplate.spec.template.metadata.annotations');
  });

  it('answers a request whose object is of another kind with a 400 error', async () => {
    const v = await reviewPodNetworks(
      request({ kind: DEPLOYMENT, object: pod({ [NETWORKS]: 'a' }) }),
      new FakeNads([]),
      OPEN,
    );
    expect(v).toMatchObject({ kind: 'error', code: 400 });
  });
});

const nad = (config: string, name = 'n'): unknown => ({
  apiVersion: 'k8s.cni.cncf.io/v1',
  kind: 'NetworkAttachmentDefinition',
  metadata: { name, namespace: 'team-a' },
  spec: { config },
});
const NAD = { group: 'k8s.cni.cncf.io', version: 'v1', kind: 'NetworkAttachmentDefinition' };
const MACVLAN = JSON.stringify({
  cniVersion: '1.0.0',
  name: 'n',
  type: 'macvlan',
  master: 'eth1',
  mode: 'bridge',
  ipam: { type: 'host-local', subnet: '192.168.10.0/24' },
});

describe('NAD handler', () => {
  const none = { names: () => new Set<string>(['blue']) };
  it('allows a good config and rejects a broken one at spec.config', () => {
    expect(errors(reviewNad(request({ kind: NAD, object: nad(MACVLAN) }), none))).toEqual([]);
    const broken = errors(
      reviewNad(request({ kind: NAD, object: nad('{"cniVersion":"1.0.0","type":') }), none),
    );
    expect(broken.length).toBeGreaterThan(0);
    expect(broken[0]).toMatch(/^spec\.config/);
  });
  it('warns when the OverlayNetwork a plexus-overlay NAD names does not exist', () => {
    const cfg = (network: string) =>
      JSON.stringify({ cniVersion: '1.0.0', name: 'n', type: 'plexus-overlay', network });
    expect(warnings(reviewNad(request({ kind: NAD, object: nad(cfg('blue')) }), none))).toEqual([]);
    expect(warnings(reviewNad(request({ kind: NAD, object: nad(cfg('red')) }), none))).toEqual([
      'spec.config.network',
    ]);
  });
  it('allows metadata-only updates of a NAD whose config no longer passes', () => {
    const old = nad('{}');
    const relabelled = {
      ...(old as object),
      metadata: { name: 'n', namespace: 'team-a', labels: { a: 'b' } },
    };
    expect(
      errors(
        reviewNad(
          request({ kind: NAD, operation: 'UPDATE', oldObject: old, object: relabelled }),
          none,
        ),
      ),
    ).toEqual([]);
  });
});

const overlay = (
  name: string,
  spec: Record<string, unknown>,
  status?: unknown,
): Record<string, unknown> => ({
  apiVersion: 'plexus.dev/v1alpha1',
  kind: 'OverlayNetwork',
  metadata: { name },
  spec,
  ...(status === undefined ? {} : { status }),
});
const ONET = { group: 'plexus.dev', version: 'v1alpha1', kind: 'OverlayNetwork' };

function source(cached: unknown[], fresh: unknown[] = cached) {
  const resolve = (objs: unknown[]): ResolvedOverlay[] =>
    objs
      .map((o) => overlayNetworkValidator.create(o).value)
      .filter((r): r is ResolvedOverlay => r !== undefined);
  return { cached: () => resolve(cached), fresh: () => Promise.resolve(resolve(fresh)) };
}

describe('OverlayNetwork handler', () => {
  const blue = overlay('blue', { network: '10.5.0.0/16', backend: { type: 'vxlan', vni: 2 } });
  it('rejects an overlap and a reused VNI, from the cache or from the fresh list', async () => {
    const red = overlay('red', { network: '10.5.4.0/22', backend: { type: 'vxlan', vni: 3 } });
    const fromCache = await reviewOverlay(request({ kind: ONET, object: red }), source([blue]), {});
    expect(errors(fromCache)[0]).toContain(
      'spec.network: 10.5.4.0/22 overlaps OverlayNetwork "blue"',
    );
    const justCreated = await reviewOverlay(
      request({ kind: ONET, object: red }),
      source([], [blue]),
      {},
    );
    expect(errors(justCreated)).toHaveLength(1);
    const sameVni = overlay('green', {
      network: '10.6.0.0/16',
      backend: { type: 'vxlan', vni: 2 },
    });
    expect(
      errors(await reviewOverlay(request({ kind: ONET, object: sameVni }), source([blue]), {}))[0],
    ).toContain('spec.backend.vni: VNI 2 is already used');
  });
  it('rejects an overlap with the cluster or service CIDRs', async () => {
    const v = await reviewOverlay(request({ kind: ONET, object: blue }), source([]), {
      serviceCidrs: ['10.5.0.0/24'],
    });
    expect(errors(v)[0]).toContain('overlaps the service CIDR 10.5.0.0/24');
  });
  it('rejects shrinking a network with leases, allows it without, and allows metadata-only updates', async () => {
    const leased = overlay(
      'blue',
      { network: '10.5.0.0/16', backend: { type: 'vxlan', vni: 2 } },
      { subnets: { capacity: 255, allocated: 3 } },
    );
    const smaller = overlay('blue', { network: '10.5.0.0/17', backend: { type: 'vxlan', vni: 2 } });
    expect(leasesExist(leased)).toBe(true);
    const bad = await reviewOverlay(
      request({ kind: ONET, operation: 'UPDATE', oldObject: leased, object: smaller }),
      source([leased]),
      {},
    );
    expect(errors(bad)[0]).toContain('spec.network');
    const unleased = await reviewOverlay(
      request({ kind: ONET, operation: 'UPDATE', oldObject: blue, object: smaller }),
      source([blue]),
      {},
    );
    expect(errors(unleased)).toEqual([]);
    const vni = overlay('blue', { network: '10.5.0.0/16', backend: { type: 'vxlan', vni: 9 } });
    expect(
      errors(
        await reviewOverlay(
          request({ kind: ONET, operation: 'UPDATE', oldObject: blue, object: vni }),
          source([blue]),
          {},
        ),
      )[0],
    ).toContain('immutable');
    const finalizer = { ...leased, metadata: { name: 'blue', finalizers: ['plexus.dev/cleanup'] } };
    expect(
      errors(
        await reviewOverlay(
          request({ kind: ONET, operation: 'UPDATE', oldObject: leased, object: finalizer }),
          source([]),
          { clusterCidrs: ['10.0.0.0/8'] },
        ),
      ),
    ).toEqual([]);
  });
});
