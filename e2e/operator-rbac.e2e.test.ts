// The operator's RBAC from manifests/base (rendered by kubectl's kustomize), applied to the
// real API server: the operator, run with a token of exactly that ServiceAccount, does all
// its work (finalizer, etcd, NAD, NodeNetworkConfigs, status, Events, its Lease) without a
// single refusal, and the same identity is refused what it was not granted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  ApiError,
  CONFIG_MAPS,
  EVENTS,
  KubeClient,
  LEASES,
  NAMESPACES,
  NETWORK_ATTACHMENT_DEFINITIONS,
  NODES,
  NODE_NETWORK_CONFIGS,
  OVERLAY_NETWORKS,
  PODS,
  SECRETS,
  loadKubeConfig,
} from '../lib/kube/index.ts';
import { writeTokenKubeconfig } from '../devcluster/agents.ts';
import { startEtcd } from '../devcluster/etcd.ts';
import { kubectl } from '../devcluster/kube.ts';
import { createNodeObject } from '../devcluster/node-objects.ts';
import { startOperatorProcess } from '../devcluster/operator-process.ts';
import type { OperatorProcess } from '../devcluster/operator-process.ts';
import { waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';
import { controlPlane, skipReason, testRun } from './context.ts';
import { deleteNetworks } from './operator-cleanup.ts';

const BASE = fileURLToPath(new URL('../manifests/base', import.meta.url));
const RBAC_KINDS = [
  'Namespace',
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
];

describe.skipIf(skipReason() !== null)('operator RBAC', () => {
  let run: Run;
  let admin: KubeClient;
  let sa: KubeClient;
  let operator: OperatorProcess;
  let tag: string;
  let net: string;
  const nodes: string[] = [];

  beforeAll(async () => {
    run = testRun();
    tag = run.tag;
    net = `rb-${tag}`;
    const cp = controlPlane();
    admin = new KubeClient(loadKubeConfig({ kubeconfig: cp.kubeconfig }));
    const rendered = await kubectl(cp, ['kustomize', BASE]);
    // The namespace, and the operator's own identity and rules (the other parts have theirs).
    const rbac = parseAllDocuments(rendered.stdout)
      .map((d) => d.toJSON() as { kind: string; metadata: { labels?: Record<string, string> } })
      .filter(
        (o) =>
          RBAC_KINDS.includes(o.kind) &&
          (o.kind === 'Namespace' ||
            o.metadata.labels?.['app.kubernetes.io/name'] === 'plexus-operator'),
      );
    expect(rbac.map((o) => o.kind).sort()).toEqual([...RBAC_KINDS].sort());
    await kubectl(cp, ['apply', '-f', '-'], {
      input: rbac.map((o) => JSON.stringify(o)).join('\n'),
    });
    // A token of exactly that ServiceAccount, as its pods get one.
    const req = await admin.transport.json<{ status: { token: string } }>({
      method: 'POST',
      path: '/api/v1/namespaces/plexus-system/serviceaccounts/plexus-operator/token',
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: 3600 },
      },
    });
    const kubeconfig = join(run.dir, 'operator-sa.kubeconfig');
    writeTokenKubeconfig(kubeconfig, cp.server, cp.caCert, req.status.token);
    sa = new KubeClient(loadKubeConfig({ kubeconfig }));
    const etcd = await startEtcd({ run });
    for (const i of [1, 2]) {
      const name = `rb-${tag}-${i}`;
      await createNodeObject(admin, {
        name,
        ip: `192.168.81.${10 + i}`,
        labels: { 'plexus.dev/e2e': tag },
      });
      nodes.push(name);
    }
    operator = await startOperatorProcess({
      run,
      name: `operator-${tag}`,
      kubeconfig,
      etcdEndpoints: [etcd.endpoint],
      leaderElectionNamespace: 'plexus-system',
    });
  });
  afterAll(async () => {
    await deleteNetworks(admin, [net]);
    for (const n of nodes) await admin?.delete(NODES, { name: n }).catch(() => {});
    await run?.close();
    sa?.close();
    admin?.close();
  });

  it('works with exactly the rights of its manifests', async () => {
    await admin.create(OVERLAY_NETWORKS, {
      metadata: { name: net },
      spec: {
        network: '10.74.0.0/16',
        backend: { vni: 74 },
        nodeSelector: { matchLabels: { 'plexus.dev/e2e': tag } },
        attachment: { namespaces: ['default'] },
      },
    });
    await waitFor(
      'Ready',
      async () => {
        const o = await admin.get(OVERLAY_NETWORKS, { name: net });
        return o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
          ? true
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(
      (await admin.get(NETWORK_ATTACHMENT_DEFINITIONS, { name: net, namespace: 'default' }))
        .metadata?.name,
    ).toBe(net);
    for (const n of nodes) {
      const cfg = await admin.get(NODE_NETWORK_CONFIGS, { name: n });
      expect(cfg.spec.overlays?.map((o) => o.name)).toContain(net);
    }
    const lease = await admin.get(LEASES, { name: 'plexus-operator', namespace: 'plexus-system' });
    expect(lease.spec?.holderIdentity).toBe(`operator-${tag}`);
    const events = await admin.list(EVENTS, {
      namespace: 'default',
      fieldSelector: `regarding.name=${net}`,
    });
    expect(events.items.map((e) => e.reason)).toContain('Ready');
    // Delete too (leases, NAD, finalizer) — then nothing in its log was ever refused.
    await admin.delete(OVERLAY_NETWORKS, { name: net });
    await waitFor(
      'deleted',
      async () =>
        await admin.get(OVERLAY_NETWORKS, { name: net }).then(
          () => undefined,
          () => true,
        ),
      { timeoutMs: 60_000 },
    );
    // (Other refusals, e.g. Events into a namespace another test left terminating, are not RBAC's.)
    const log = readFileSync(operator.logFile, 'utf8');
    expect(log).not.toMatch(
      /forbidden: User \\"system:serviceaccount:plexus-system:plexus-operator\\" cannot/,
    );
  });

  it('is refused what it was not granted', async () => {
    const refused = async (what: string, call: () => Promise<unknown>): Promise<void> => {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, what).toBeInstanceOf(ApiError);
      expect((err as ApiError).status, what).toBe(403);
    };
    await refused('list secrets', () => sa.list(SECRETS, { namespace: 'plexus-system' }));
    await refused('read configmaps', () => sa.list(CONFIG_MAPS, { namespace: 'kube-system' }));
    await refused('create pods', () =>
      sa.create(PODS, {
        metadata: { name: 'x', namespace: 'default' },
        spec: { containers: [{ name: 'x', image: 'x' }] },
      }),
    );
    await refused('delete a node', () => sa.delete(NODES, { name: nodes[0] ?? '' }));
    await refused('patch a node', () =>
      sa.patch(
        NODES,
        { name: nodes[0] ?? '' },
        { metadata: { labels: { x: 'y' } } },
        { type: 'merge' },
      ),
    );
    await refused('create a namespace', () =>
      sa.create(NAMESPACES, { metadata: { name: `rb-${tag}-ns` } }),
    );
    await refused('create an OverlayNetwork', () =>
      sa.create(OVERLAY_NETWORKS, {
        metadata: { name: `rb-${tag}-x` },
        spec: { network: '10.75.0.0/16', backend: { vni: 75 } },
      }),
    );
    await refused('another Lease', () =>
      sa.get(LEASES, { name: 'kube-controller-manager', namespace: 'plexus-system' }),
    );
    await refused('a Lease elsewhere', () => sa.list(LEASES, { namespace: 'kube-system' }));
  });
});
