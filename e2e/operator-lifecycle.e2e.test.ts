// The operator's lifecycle against the real kube-apiserver and etcd, the operator
// running as its own process: an OverlayNetwork with three nodes gives its etcd
// config, three leases in flannel's exact key and value format, the generated NAD
// and three NodeNetworkConfigs, and Ready (seen by `kubectl wait`); nodes that come,
// go, or stop matching move exactly their own lease; a generated NAD edited or
// deleted by hand comes back; user NADs that name a missing network or a namespace
// the network does not attach to get Warning Events; deleting the network removes
// everything it created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMetaConfig, defaultMetaOptions } from '../api/cni/index.ts';
import {
  deriveVtepMac,
  generatedNadConfig,
  leaseValue,
  nodeOwnerKey,
} from '../api/overlay/index.ts';
import { createEtcdClient } from '../lib/etcd/index.ts';
import type { EtcdClient, KeyValue } from '../lib/etcd/index.ts';
import {
  EVENTS,
  KubeClient,
  NAMESPACES,
  NETWORK_ATTACHMENT_DEFINITIONS,
  NODES,
  NODE_NETWORK_CONFIGS,
  OVERLAY_NETWORKS,
  isNotFound,
  loadKubeConfig,
} from '../lib/kube/index.ts';
import type { NodeNetworkConfig, OverlayNetwork } from '../lib/kube/index.ts';
import { startEtcd } from '../devcluster/etcd.ts';
import { kubectl } from '../devcluster/kube.ts';
import { createNodeObject } from '../devcluster/node-objects.ts';
import { startOperatorProcess } from '../devcluster/operator-process.ts';
import type { OperatorProcess } from '../devcluster/operator-process.ts';
import { waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';
import { controlPlane, skipReason, testRun } from './context.ts';
import { deleteNetworks } from './operator-cleanup.ts';

describe.skipIf(skipReason() !== null)('operator lifecycle', () => {
  let run: Run;
  let client: KubeClient;
  let etcd: EtcdClient;
  let operator: OperatorProcess;
  let tag: string;
  let net: string;
  let ns: string;
  let prefix: string;
  const nodeIps = new Map<string, string>();
  const node = (s: string): string => `lc-${tag}-${s}`;

  beforeAll(async () => {
    run = testRun();
    tag = run.tag;
    net = `lc-${tag}`;
    ns = `lc-${tag}`;
    prefix = `/plexus.dev/networks/${net}`;
    const cp = controlPlane();
    client = new KubeClient(loadKubeConfig({ kubeconfig: cp.kubeconfig }));
    const server = await startEtcd({ run });
    etcd = createEtcdClient({ endpoints: [server.endpoint] });
    await client.create(NAMESPACES, { metadata: { name: ns } });
    for (const [i, s] of ['a', 'b', 'c'].entries()) await addNode(s, 11 + i);
    operator = await startOperatorProcess({
      run,
      name: `operator-${tag}`,
      kubeconfig: cp.kubeconfig,
      etcdEndpoints: [server.endpoint],
      leaderElectionNamespace: 'kube-system',
      args: [`--leader-election-id=plexus-${tag}`],
    });
  });
  afterAll(async () => {
    for (const n of nodeIps.keys()) await client?.delete(NODES, { name: n }).catch(() => {});
    await deleteNetworks(client, [net]);
    // No namespace controller runs here: what is left in a deleted namespace stays.
    for (const [name, namespace] of [
      ['second', ns],
      ['to-nowhere', ns],
      ['wrong-ns', 'default'],
    ] as const)
      await client?.delete(NETWORK_ATTACHMENT_DEFINITIONS, { name, namespace }).catch(() => {});
    await client?.delete(NAMESPACES, { name: ns }).catch(() => {});
    await run?.close();
    etcd?.close();
    client?.close();
  });

  async function addNode(s: string, host: number): Promise<void> {
    const ip = `192.168.77.${host}`;
    nodeIps.set(node(s), ip);
    await createNodeObject(client, { name: node(s), ip, labels: { 'plexus.dev/e2e': tag } });
  }

  const leases = async (): Promise<KeyValue[]> => (await etcd.listPrefix(`${prefix}/subnets/`)).kvs;
  const owners = async (): Promise<Map<string, string>> =>
    new Map(
      (await etcd.listPrefix(`${prefix}/plexus/nodes/`)).kvs.map((kv) => [
        kv.key.slice(kv.key.lastIndexOf('/') + 1),
        kv.value,
      ]),
    );
  const getNetwork = (): Promise<OverlayNetwork> => client.get(OVERLAY_NETWORKS, { name: net });
  const condition = (o: OverlayNetwork, type: string) =>
    o.status?.conditions?.find((c) => c.type === type);
  const until = <T>(
    what: string,
    check: () => Promise<T | undefined>,
    timeoutMs = 30_000,
  ): Promise<T> => waitFor(what, check, { timeoutMs, intervalMs: 200 });
  const nnc = async (name: string): Promise<NodeNetworkConfig | undefined> => {
    try {
      return await client.get(NODE_NETWORK_CONFIGS, { name });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  };

  it('turns an OverlayNetwork and three nodes into config, leases, NAD, NodeNetworkConfigs and Ready', async () => {
    await client.create(OVERLAY_NETWORKS, {
      metadata: { name: net },
      spec: {
        network: '10.66.0.0/16',
        backend: { vni: 66 },
        nodeSelector: { matchLabels: { 'plexus.dev/e2e': tag } },
        attachment: { namespaces: [ns] },
      },
    });
    // kubectl wait, as a person would.
    const cp = controlPlane();
    await kubectl(cp, ['wait', '--for=condition=Ready', `overlaynetwork/${net}`, '--timeout=60s']);

    const config = await etcd.get(`${prefix}/config`);
    expect(config?.value).toBe(
      '{"Network":"10.66.0.0/16","SubnetLen":24,"SubnetMin":"10.66.1.0","SubnetMax":"10.66.255.0","Backend":{"Type":"vxlan","VNI":66,"Port":8472}}',
    );
    const kvs = await leases();
    expect(kvs).toHaveLength(3);
    const byOwner = await owners();
    expect([...byOwner.keys()].sort()).toEqual([node('a'), node('b'), node('c')]);
    for (const [n, subnet] of byOwner) {
      expect(subnet).toMatch(/^10\.66\.\d+\.0-24$/);
      const lease = kvs.find((kv) => kv.key === `${prefix}/subnets/${subnet}`);
      expect(lease?.value).toBe(
        leaseValue({ publicIp: nodeIps.get(n) ?? '', vni: 66, vtepMac: deriveVtepMac(net, n) }),
      );
      expect(lease?.version).toBe('1');
      const cfg = await nnc(n);
      const nodeObj = await client.get(NODES, { name: n });
      expect(cfg?.metadata?.ownerReferences).toEqual([
        expect.objectContaining({
          apiVersion: 'v1',
          kind: 'Node',
          name: n,
          uid: nodeObj.metadata?.uid,
        }),
      ]);
      expect(cfg?.spec.cniConfig).toBe(renderMetaConfig(defaultMetaOptions()));
      expect(cfg?.spec.overlays?.find((o) => o.name === net)).toEqual({
        name: net,
        vni: 66,
        port: 8472,
        network: '10.66.0.0/16',
        subnet: subnet.replace('-', '/'),
        ipMasq: true,
        vtepMAC: deriveVtepMac(net, n),
        publicIP: nodeIps.get(n),
        etcdPrefix: prefix,
        directRouting: false,
      });
    }
    const nad = await client.get(NETWORK_ATTACHMENT_DEFINITIONS, { name: net, namespace: ns });
    expect(nad.spec?.config).toBe(generatedNadConfig(net));
    expect(nad.metadata?.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'plexus',
      'plexus.dev/overlay-network': net,
    });
    expect(nad.metadata?.managedFields?.map((m) => m.manager)).toContain('plexus-operator');

    const on = await getNetwork();
    expect(on.metadata?.finalizers).toContain('plexus.dev/overlay-network');
    expect(on.status).toMatchObject({
      observedGeneration: on.metadata?.generation,
      etcdPrefix: prefix,
      subnets: { capacity: 255, allocated: 3 },
      nads: { generated: 1, total: 1 },
    });
    expect(condition(on, 'Degraded')?.status).toBe('False');
    expect(condition(on, 'SubnetsExhausted')?.status).toBe('False');
    const events = await client.list(EVENTS, {
      namespace: 'default',
      fieldSelector: `regarding.name=${net}`,
    });
    expect(events.items.map((e) => e.reason)).toContain('Ready');
    // kubectl get onet shows the columns a person reads.
    const table = await kubectl(cp, ['get', 'onet', net]);
    expect(table.stdout).toMatch(
      new RegExp(`${net}\\s+10\\.66\\.0\\.0/16\\s+66\\s+3\\s+255\\s+1\\s+True`),
    );
  });

  it('gives a new node one more lease, and a deleted node loses exactly its own', async () => {
    const before = await leases();
    await addNode('d', 14);
    const after = await until('a fourth lease', async () =>
      (await leases()).length === 4 ? leases() : undefined,
    );
    // The three earlier leases are untouched (same revision).
    for (const kv of before)
      expect(after.find((a) => a.key === kv.key)?.modRevision).toBe(kv.modRevision);
    await until('status allocated 4', async () =>
      (await getNetwork()).status?.subnets?.allocated === 4 ? true : undefined,
    );

    const gone = (await owners()).get(node('d'));
    await client.delete(NODES, { name: node('d') });
    nodeIps.delete(node('d'));
    const left = await until('three leases again', async () =>
      (await leases()).length === 3 ? leases() : undefined,
    );
    expect(left.map((kv) => kv.key)).not.toContain(`${prefix}/subnets/${gone}`);
    for (const kv of before)
      expect(left.find((a) => a.key === kv.key)?.modRevision).toBe(kv.modRevision);
    expect((await owners()).has(node('d'))).toBe(false);
    await until('its NodeNetworkConfig deleted', async () =>
      (await nnc(node('d'))) === undefined ? true : undefined,
    );
  });

  it('releases exactly the lease of a node the nodeSelector no longer selects', async () => {
    const before = await owners();
    const kvs = await leases();
    await client.patch(
      OVERLAY_NETWORKS,
      { name: net },
      {
        spec: {
          nodeSelector: {
            matchLabels: { 'plexus.dev/e2e': tag },
            matchExpressions: [
              { key: 'kubernetes.io/hostname', operator: 'NotIn', values: [node('b')] },
            ],
          },
        },
      },
      { type: 'merge' },
    );
    await until('node b released', async () =>
      (await owners()).has(node('b')) ? undefined : true,
    );
    const after = await leases();
    expect(after).toHaveLength(2);
    expect(after.map((kv) => kv.key)).not.toContain(`${prefix}/subnets/${before.get(node('b'))}`);
    for (const kv of kvs.filter((k) => !k.key.endsWith(before.get(node('b')) ?? '?')))
      expect(after.find((a) => a.key === kv.key)?.modRevision).toBe(kv.modRevision);
    await until('b has no overlay entry', async () =>
      (await nnc(node('b')))?.spec.overlays?.some((o) => o.name === net) ? undefined : true,
    );
    const on = await until('Ready for the new generation', async () => {
      const o = await getNetwork();
      return o.status?.observedGeneration === o.metadata?.generation &&
        condition(o, 'Ready')?.status === 'True' &&
        o.status?.subnets?.allocated === 2
        ? o
        : undefined;
    });
    expect(on.status?.subnets).toEqual({ capacity: 255, allocated: 2 });
  });

  it('restores a generated NAD edited or deleted by hand', async () => {
    const key = { name: net, namespace: ns };
    await client.patch(
      NETWORK_ATTACHMENT_DEFINITIONS,
      key,
      { spec: { config: '{"cniVersion":"1.0.0","type":"bridge"}' } },
      { type: 'merge', fieldManager: 'kubectl-edit' },
    );
    await until('edited NAD restored', async () => {
      const n = await client.get(NETWORK_ATTACHMENT_DEFINITIONS, key);
      return n.spec?.config === generatedNadConfig(net) ? true : undefined;
    });
    await client.delete(NETWORK_ATTACHMENT_DEFINITIONS, key);
    await until('deleted NAD restored', async () => {
      const n = await client.get(NETWORK_ATTACHMENT_DEFINITIONS, key).catch(() => undefined);
      return n?.spec?.config === generatedNadConfig(net) ? true : undefined;
    });
  });

  it('warns about user NADs naming a missing network or a namespace the network does not attach to, and counts NADs', async () => {
    const userNad = (name: string, namespace: string, network: string) => ({
      metadata: { name, namespace },
      spec: {
        config: JSON.stringify({ cniVersion: '1.0.0', name, type: 'plexus-overlay', network }),
      },
    });
    await client.create(
      NETWORK_ATTACHMENT_DEFINITIONS,
      userNad('to-nowhere', ns, `missing-${tag}`),
    );
    await client.create(NETWORK_ATTACHMENT_DEFINITIONS, userNad('wrong-ns', 'default', net));
    await client.create(NETWORK_ATTACHMENT_DEFINITIONS, userNad('second', ns, net));
    const warnings = async (name: string, namespace: string) =>
      (
        await client.list(EVENTS, { namespace, fieldSelector: `regarding.name=${name}` })
      ).items.filter((e) => e.type === 'Warning');
    const missing = await until('OverlayNetworkNotFound', async () => {
      const w = await warnings('to-nowhere', ns);
      return w.length > 0 ? w : undefined;
    });
    expect(missing[0]).toMatchObject({
      reason: 'OverlayNetworkNotFound',
      reportingController: 'plexus.dev/operator',
    });
    expect(missing[0]?.note).toContain(`missing-${tag}`);
    const wrong = await until('NamespaceNotAttached', async () => {
      const w = await warnings('wrong-ns', 'default');
      return w.length > 0 ? w : undefined;
    });
    expect(wrong[0]?.reason).toBe('NamespaceNotAttached');
    expect(await warnings('second', ns)).toEqual([]);
    // generated + "second" + "wrong-ns" use the network.
    await until('status counts 3 NADs', async () =>
      (await getNetwork()).status?.nads?.total === 3 ? true : undefined,
    );
    expect((await getNetwork()).status?.nads?.generated).toBe(1);
    await client.delete(NETWORK_ATTACHMENT_DEFINITIONS, { name: 'wrong-ns', namespace: 'default' });
  });

  it('deleting the OverlayNetwork removes its leases, records, config and NADs', async () => {
    await client.delete(OVERLAY_NETWORKS, { name: net });
    await until('the network gone', async () =>
      (await client
        .get(OVERLAY_NETWORKS, { name: net })
        .catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)))) === undefined
        ? true
        : undefined,
    );
    expect(await etcd.countPrefix(`${prefix}/`)).toBe(0);
    await until('generated NAD gone', async () =>
      (await client
        .get(NETWORK_ATTACHMENT_DEFINITIONS, { name: net, namespace: ns })
        .catch(() => undefined)) === undefined
        ? true
        : undefined,
    );
    // The user's NAD stays: it is not ours.
    expect(
      (await client.get(NETWORK_ATTACHMENT_DEFINITIONS, { name: 'second', namespace: ns })).metadata
        ?.name,
    ).toBe('second');
    for (const n of [node('a'), node('c')])
      await until(`${n} config without ${net}`, async () =>
        (await nnc(n))?.spec.overlays?.some((o) => o.name === net) ? undefined : true,
      );
    expect(await operator.isLeader()).toBe(true);
    expect(await operator.metrics()).toMatch(
      /controller_runtime_reconcile_total\{controller="node",result="success",component="operator"\} [1-9]/,
    );
    expect(nodeOwnerKey(prefix, 'x')).toContain('/plexus/nodes/');
  });
});
