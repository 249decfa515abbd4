// The admission webhooks behind the real kube-apiserver, which calls them over TLS as it would
// in a cluster: pods and Deployments with bad annotations rejected at `kubectl apply` with the
// field and the fix, good ones admitted, pods without Plexus annotations never sent (the CEL
// matchConditions; the request counter does not move), NAD references (missing, namespace
// isolation, a NAD created just before its pod), broken NADs, and OverlayNetworks that overlap,
// reuse a VNI or change illegally.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, kubectl } from '../devcluster/kube.ts';
import { KubeClient, kubeConfigFromFile } from '../lib/kube/index.ts';
import { NadDirectory } from '../webhooks/index.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import type { Run } from '../devcluster/run.ts';
import { startDevWebhooks } from '../devcluster/webhooks.ts';
import type { DevWebhooks } from '../devcluster/webhooks.ts';
import { controlPlane, skipReason, testRun } from './context.ts';

const NETWORKS = 'k8s.v1.cni.cncf.io/networks';
const MACVLAN = (name: string): string =>
  JSON.stringify({
    cniVersion: '1.0.0',
    name,
    type: 'macvlan',
    master: 'eth1',
    mode: 'bridge',
    ipam: { type: 'host-local', subnet: '192.168.50.0/24' },
  });

function nad(namespace: string, name: string, config = MACVLAN(name)): Record<string, unknown> {
  return {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name, namespace },
    spec: { config },
  };
}

function pod(
  namespace: string,
  name: string,
  annotations: Record<string, string> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, annotations },
    spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1' }] },
  };
}

function deployment(
  namespace: string,
  name: string,
  annotations: Record<string, string>,
): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1' }] },
      },
    },
  };
}

function overlay(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'plexus.dev/v1alpha1', kind: 'OverlayNetwork', metadata: { name }, spec };
}

/** controller_runtime_webhook_requests_total for one webhook path, all codes summed. */
async function requestCount(w: DevWebhooks, path: string): Promise<number> {
  const text = await (await fetch(`${w.healthUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('controller_runtime_webhook_requests_total{')) continue;
    if (!line.includes(`webhook="${path}"`)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe.skipIf(skipReason() !== null)('admission webhooks behind kube-apiserver', () => {
  let run: Run;
  let cp: ControlPlaneInfo;
  let hooks: DevWebhooks;
  const tag = randomBytes(3).toString('hex');
  const ns = `wh-${tag}`;
  const other = `wh-${tag}-other`;
  const shared = `wh-${tag}-shared`;
  const overlays: string[] = [];

  const apply = (obj: unknown, extra: string[] = []) =>
    kubectl(cp, ['apply', ...extra, '-f', '-'], { input: JSON.stringify(obj), allowFail: true });

  beforeAll(async () => {
    run = testRun();
    cp = controlPlane();
    for (const n of [ns, other, shared]) await kubectl(cp, ['create', 'namespace', n]);
    hooks = await startDevWebhooks({ controlPlane: cp, run });
  });

  afterAll(async () => {
    await hooks?.stop();
    for (const n of [ns, other, shared])
      await kubectl(cp, ['delete', 'namespace', n, '--wait=false', '--ignore-not-found']);
    for (const o of overlays)
      await kubectl(cp, ['delete', 'overlaynetwork', o, '--ignore-not-found']);
    await run?.close();
  });

  describe('pods', () => {
    it('rejects a bad annotation at kubectl apply, naming the field and the problem', async () => {
      const res = await apply(pod(ns, 'bad', { [NETWORKS]: 'macvlan@eth0' }));
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain('admission webhook "pods.plexus.dev" denied the request');
      expect(res.stderr).toContain(`metadata.annotations[${NETWORKS}][0]`);
      expect(res.stderr).toMatch(/eth0/);
      expect(res.stderr).toContain('; fix: ');
    });

    it('admits a pod with a good annotation whose NADs exist', async () => {
      expect((await apply(nad(ns, 'macvlan'))).code).toBe(0);
      const res = await apply(pod(ns, 'good', { [NETWORKS]: 'macvlan@data0' }));
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
    });

    it('never sends a pod without Plexus annotations: the request counter does not move', async () => {
      const before = await requestCount(hooks, '/validate/pods');
      for (let i = 0; i < 3; i++)
        expect((await apply(pod(ns, `plain-${i}`, { team: 'a' }))).code).toBe(0);
      expect(await requestCount(hooks, '/validate/pods')).toBe(before);
      // A pod with the annotation moves it, so the counter is the one the API server drives.
      await apply(pod(ns, 'counted', { [NETWORKS]: 'macvlan' }));
      expect(await requestCount(hooks, '/validate/pods')).toBe(before + 1);
    });

    it('warns about a misspelt annotation key, and kubectl prints the warning', async () => {
      const res = await apply(pod(ns, 'typo', { 'k8s.v1.cni.cncf.io/network': 'macvlan' }));
      expect(res.code).toBe(0);
      expect(res.stderr).toContain('Warning: metadata.annotations[k8s.v1.cni.cncf.io/network]');
      expect(res.stderr).toContain('did you mean');
    });

    it('rejects a Deployment whose pod template carries a bad annotation', async () => {
      const res = await apply(
        deployment(ns, 'web', { [NETWORKS]: '[{"name": "macvlan", "interface": "eth0"}]' }),
      );
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain('admission webhook "workloads.plexus.dev" denied the request');
      expect(res.stderr).toContain(`spec.template.metadata.annotations[${NETWORKS}][0].interface`);
      const good = await apply(deployment(ns, 'web', { [NETWORKS]: 'macvlan' }));
      expect(good.code, good.stderr).toBe(0);
      // Scaling leaves the annotations alone: allowed without a look.
      const scaled = await kubectl(cp, ['scale', '-n', ns, 'deployment/web', '--replicas=3'], {
        allowFail: true,
      });
      expect(scaled.code, scaled.stderr).toBe(0);
    });
  });

  describe('references', () => {
    it('rejects a pod that references a missing NAD', async () => {
      const res = await apply(pod(ns, 'missing', { [NETWORKS]: 'macvlan, nope' }));
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain(
        `metadata.annotations[${NETWORKS}][1]: NetworkAttachmentDefinition "${ns}/nope" does not exist`,
      );
    });

    it('rejects the default network NAD when it does not exist', async () => {
      const res = await apply(
        pod(ns, 'nodefault', { 'v1.multus-cni.io/default-network': 'calico' }),
      );
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain(
        `the default network NetworkAttachmentDefinition "${ns}/calico" does not exist`,
      );
    });

    it('with namespace isolation on, rejects a cross-namespace reference unless the namespace is global', async () => {
      await apply(nad(other, 'net'));
      await apply(nad(shared, 'net'));
      // Without isolation (the default) a cross-namespace reference is fine.
      expect((await apply(pod(ns, 'cross-open', { [NETWORKS]: `${other}/net` }))).code).toBe(0);
      const isolated = await startDevWebhooks({
        controlPlane: cp,
        run,
        name: `plexus-webhooks-isolated-${tag}`,
        args: ['--namespace-isolation', `--global-namespaces=${shared}`],
      });
      try {
        const denied = await apply(pod(ns, 'cross-isolated', { [NETWORKS]: `${other}/net` }));
        expect(denied.code).not.toBe(0);
        expect(denied.stderr).toContain('namespace isolation');
        expect(denied.stderr).toContain(`"${other}/net"`);
        const global = await apply(
          pod(ns, 'cross-global', { [NETWORKS]: `${shared}/net, macvlan` }),
        );
        expect(global.code, global.stderr).toBe(0);
      } finally {
        await isolated.stop();
      }
    });

    it('admits a pod whose NAD was created a moment before it', async () => {
      // Back to back on one connection, as a GitOps tool applies them: no false rejection.
      for (let i = 0; i < 20; i++) {
        const made = await apiRequest(
          cp,
          'POST',
          `/apis/k8s.cni.cncf.io/v1/namespaces/${ns}/network-attachment-definitions`,
          { body: nad(ns, `fresh-${i}`) },
        );
        expect(made.status, made.body).toBe(201);
        const p = await apiRequest(cp, 'POST', `/api/v1/namespaces/${ns}/pods`, {
          body: pod(ns, `fresh-${i}`, { [NETWORKS]: `fresh-${i}` }),
        });
        expect(p.status, p.body).toBe(201);
      }
    });

    it('looks a NAD up with one GET when the cache does not have it, shared by concurrent reviews', async () => {
      const client = new KubeClient(kubeConfigFromFile(cp.kubeconfig));
      const found: (boolean | 'error')[] = [];
      // Not started: every lookup is a miss, as right after a NAD was created.
      const directory = new NadDirectory({ client, onMiss: (f) => found.push(f) });
      const ref = (name: string, namespace = ns) => ({
        namespace,
        name,
        field: 'f',
        annotation: 'networks' as const,
      });
      const [a, b] = await Promise.all([
        directory.lookup([ref('macvlan'), ref('gone')]),
        directory.lookup([ref('macvlan')]),
      ]);
      expect(a.map((l) => l.exists)).toEqual([true, false]);
      expect(b.map((l) => l.exists)).toEqual([true]);
      expect(found.sort()).toEqual([false, true]);
      client.close();
    });
  });

  describe('other objects', () => {
    it('rejects a NAD with a broken config, naming spec.config', async () => {
      const res = await apply(
        nad(ns, 'broken', '{"cniVersion": "1.0.0", "type": "macvlan", "mode": "sideways"'),
      );
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain(
        'admission webhook "network-attachment-definitions.plexus.dev" denied the request',
      );
      expect(res.stderr).toContain('spec.config');
      const unknownMode = await apply(
        nad(
          ns,
          'badmode',
          JSON.stringify({
            cniVersion: '1.0.0',
            name: 'x',
            type: 'macvlan',
            master: 'eth1',
            mode: 'sideways',
            ipam: { type: 'host-local', subnet: '10.1.0.0/24' },
          }),
        ),
      );
      expect(unknownMode.code).not.toBe(0);
      expect(unknownMode.stderr).toContain('spec.config.mode');
    });

    it('rejects an OverlayNetwork that overlaps another, or reuses its VNI', async () => {
      const blue = `blue-${tag}`;
      overlays.push(blue, `red-${tag}`, `green-${tag}`);
      const vni = 1000 + parseInt(tag.slice(0, 3), 16);
      const third = 16 + (parseInt(tag.slice(3), 16) % 200);
      expect(
        (
          await apply(
            overlay(blue, { network: `10.${third}.0.0/16`, backend: { type: 'vxlan', vni } }),
          )
        ).code,
      ).toBe(0);
      // Applied right after: the fresh list confirms what the cache may not have yet.
      const red = await apply(
        overlay(`red-${tag}`, {
          network: `10.${third}.128.0/20`,
          backend: { type: 'vxlan', vni: vni + 1 },
        }),
      );
      expect(red.code).not.toBe(0);
      expect(red.stderr).toContain(
        'admission webhook "overlaynetworks.plexus.dev" denied the request',
      );
      expect(red.stderr).toContain(
        `spec.network: 10.${third}.128.0/20 overlaps OverlayNetwork "${blue}"`,
      );
      const green = await apply(
        overlay(`green-${tag}`, {
          network: `10.${third + 1}.0.0/16`,
          backend: { type: 'vxlan', vni },
        }),
      );
      expect(green.code).not.toBe(0);
      expect(green.stderr).toContain(
        `spec.backend.vni: VNI ${vni} is already used by OverlayNetwork "${blue}"`,
      );
    });

    it('rejects an illegal update of an OverlayNetwork with leases', async () => {
      const name = `leased-${tag}`;
      overlays.push(name);
      const third = 16 + ((parseInt(tag.slice(0, 2), 16) + 100) % 200);
      const vni = 3000 + parseInt(tag.slice(2, 5), 16);
      const spec = {
        network: `172.${third}.0.0/16`,
        backend: { type: 'vxlan', vni },
        subnetMin: `172.${third}.1.0`,
        subnetMax: `172.${third}.200.0`,
      };
      expect((await apply(overlay(name, spec))).code).toBe(0);
      const status = await kubectl(
        cp,
        [
          'patch',
          'overlaynetwork',
          name,
          '--subresource=status',
          '--type=merge',
          '-p',
          JSON.stringify({ status: { subnets: { capacity: 200, allocated: 3 } } }),
        ],
        { allowFail: true },
      );
      expect(status.code, status.stderr).toBe(0);
      const narrowed = await apply(overlay(name, { ...spec, subnetMax: `172.${third}.100.0` }));
      expect(narrowed.code).not.toBe(0);
      expect(narrowed.stderr).toContain(
        'admission webhook "overlaynetworks.plexus.dev" denied the request',
      );
      expect(narrowed.stderr).toContain('spec.subnetMax');
      expect(narrowed.stderr).toContain('subnets are leased');
      // Growing the range is fine.
      const grown = await apply(overlay(name, { ...spec, subnetMax: `172.${third}.250.0` }));
      expect(grown.code, grown.stderr).toBe(0);
    });
  });

  it('logs one line per rejection and none per admitted request', async () => {
    const lines = (): string[] =>
      readFileSync(hooks.service.logFile, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'));
    const before = lines().length;
    for (let i = 0; i < 3; i++) await apply(pod(ns, `quiet-${i}`, { [NETWORKS]: 'macvlan' }));
    for (let i = 0; i < 2; i++) await apply(pod(ns, `loud-${i}`, { [NETWORKS]: 'nope' }));
    const added = lines()
      .slice(before)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(added.map((l) => l.msg)).toEqual(['admission denied', 'admission denied']);
    expect(added[0]).toMatchObject({
      key: `${ns}/loud-0`,
      kind: 'Pod',
      webhook: '/validate/pods',
      errors: 1,
    });
  });
});
