// Interop with flannel's own code (github.com/flannel-io/flannel v0.28, built from the Go
// module proxy): what the operator writes is read by flannel's etcd registry, config
// parser and lease types as the same network, subnets, PublicIPs, VNIs and VtepMACs,
// and flannel would write each lease back byte for byte; a real flannel allocator can
// share the prefix, and the operator never takes or touches the subnet it leased.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveVtepMac } from '../api/overlay/index.ts';
import { createEtcdClient } from '../lib/etcd/index.ts';
import type { EtcdClient } from '../lib/etcd/index.ts';
import { KubeClient, NODES, OVERLAY_NETWORKS, loadKubeConfig } from '../lib/kube/index.ts';
import { startEtcd } from '../devcluster/etcd.ts';
import { flannelAcquire, flannelLeaseCheck, flannelList } from '../devcluster/flannel-check.ts';
import { createNodeObject } from '../devcluster/node-objects.ts';
import { startOperatorProcess } from '../devcluster/operator-process.ts';
import { waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';
import { controlPlane, skipReason, testRun } from './context.ts';
import { deleteNetworks } from './operator-cleanup.ts';

describe.skipIf(skipReason() !== null)('flannel interop', () => {
  let run: Run;
  let client: KubeClient;
  let etcd: EtcdClient;
  let endpoint: string;
  let bin: string;
  let tag: string;
  let net: string;
  let prefix: string;
  const nodes = new Map<string, string>();

  beforeAll(async () => {
    run = testRun();
    tag = run.tag;
    net = `fl-${tag}`;
    prefix = `/k8s/flannel-${tag}`;
    bin = await flannelLeaseCheck({ progress: (l) => process.stderr.write(`${l}\n`) });
    client = new KubeClient(loadKubeConfig({ kubeconfig: controlPlane().kubeconfig }));
    const server = await startEtcd({ run });
    endpoint = server.endpoint;
    etcd = createEtcdClient({ endpoints: [endpoint] });
    for (const i of [1, 2, 3]) await addNode(i);
    await startOperatorProcess({
      run,
      name: `operator-${tag}`,
      kubeconfig: controlPlane().kubeconfig,
      etcdEndpoints: [endpoint],
      leaderElectionNamespace: 'kube-system',
      args: [`--leader-election-id=plexus-${tag}`],
    });
  });
  afterAll(async () => {
    await deleteNetworks(client, [net]);
    for (const n of nodes.keys()) await client?.delete(NODES, { name: n }).catch(() => {});
    await run?.close();
    etcd?.close();
    client?.close();
  });

  async function addNode(i: number): Promise<string> {
    const name = `fl-${tag}-${i}`;
    const ip = `192.168.80.${10 + i}`;
    nodes.set(name, ip);
    await createNodeObject(client, { name, ip, labels: { 'plexus.dev/e2e': tag } });
    return name;
  }
  const owners = async (): Promise<Map<string, string>> =>
    new Map(
      (await etcd.listPrefix(`${prefix}/plexus/nodes/`)).kvs.map((kv) => [
        kv.key.slice(kv.key.lastIndexOf('/') + 1),
        kv.value,
      ]),
    );

  it("reads the operator's config and leases as the same network, subnets and VtepMACs", async () => {
    await client.create(OVERLAY_NETWORKS, {
      metadata: { name: net },
      spec: {
        network: '10.73.0.0/16',
        subnetLen: 25,
        backend: { vni: 70000 },
        etcdPrefix: prefix,
        nodeSelector: { matchLabels: { 'plexus.dev/e2e': tag } },
      },
    });
    await waitFor('three leases', async () => ((await owners()).size === 3 ? true : undefined), {
      timeoutMs: 30_000,
    });
    const seen = await flannelList(bin, endpoint, prefix);
    expect(seen.config).toEqual({
      network: '10.73.0.0/16',
      subnetLen: 25,
      subnetMin: '10.73.0.128',
      subnetMax: '10.73.255.128',
      backendType: 'vxlan',
    });
    const byOwner = await owners();
    expect(seen.leases).toHaveLength(3);
    for (const [node, key] of byOwner) {
      const lease = seen.leases.find((l) => l.subnet === key.replace('-', '/'));
      expect(lease, node).toMatchObject({
        publicIP: nodes.get(node),
        backendType: 'vxlan',
        vni: 70000,
        vtepMAC: deriveVtepMac(net, node),
      });
      // flanneld would write back exactly what Plexus wrote.
      expect(lease?.marshaled).toBe((await etcd.get(`${prefix}/subnets/${key}`))?.value);
    }
  });

  it("shares the prefix with flannel's own allocator: neither takes the other's subnet", async () => {
    const theirs = await flannelAcquire(bin, endpoint, prefix, '192.168.1.50');
    const ours = [...(await owners()).values()].map((k) => k.replace('-', '/'));
    expect(ours).not.toContain(theirs.subnet);
    const key = `${prefix}/subnets/${theirs.subnet.replace('/', '-')}`;
    const before = await etcd.get(key);
    expect(before?.value).toBe(theirs.marshaled);
    // More Plexus nodes join: never flannel's subnet, and flannel's lease stays as it was.
    for (const i of [4, 5, 6]) await addNode(i);
    await waitFor(
      'six Plexus leases',
      async () => ((await owners()).size === 6 ? true : undefined),
      { timeoutMs: 30_000 },
    );
    expect([...(await owners()).values()]).not.toContain(theirs.subnet.replace('/', '-'));
    expect((await etcd.get(key))?.modRevision).toBe(before?.modRevision);
    const seen = await flannelList(bin, endpoint, prefix);
    expect(seen.leases).toHaveLength(7);
    expect(new Set(seen.leases.map((l) => l.subnet)).size).toBe(7);
  });
});
