// The operator under faults, against the real kube-apiserver and etcd, each replica a
// process of its own:
//   - two replicas, only the leader writes; the leader SIGKILLed mid-allocation (its etcd
//     connection frozen with transactions in flight) is replaced within the lease time,
//     and the run ends with every node holding exactly one lease, no subnet twice;
//   - a restarted operator changes no lease, no VtepMAC, no NodeNetworkConfig;
//   - etcd restarted under it: it reconnects and converges;
//   - every API server connection cut (watches included): the informers recover.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveVtepMac, parseLeaseValue } from '../api/overlay/index.ts';
import { createEtcdClient } from '../lib/etcd/index.ts';
import type { EtcdClient, KeyValue } from '../lib/etcd/index.ts';
import {
  KubeClient,
  NODES,
  NODE_NETWORK_CONFIGS,
  OVERLAY_NETWORKS,
  loadKubeConfig,
} from '../lib/kube/index.ts';
import type { OverlayNetwork } from '../lib/kube/index.ts';
import { startEtcd } from '../devcluster/etcd.ts';
import type { Etcd } from '../devcluster/etcd.ts';
import { startFaultProxy } from '../devcluster/fault-proxy.ts';
import type { FaultProxy } from '../devcluster/fault-proxy.ts';
import { writeKubeconfig } from '../devcluster/kubeconfig.ts';
import { createNodeObject, createNodeObjects } from '../devcluster/node-objects.ts';
import { startOperatorProcess } from '../devcluster/operator-process.ts';
import type { OperatorProcess } from '../devcluster/operator-process.ts';
import { waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';
import { controlPlane, skipReason, testRun } from './context.ts';
import { deleteNetworks } from './operator-cleanup.ts';

const NODE_COUNT = 40;
const LEASE_MS = 15_000;

describe.skipIf(skipReason() !== null)('operator faults', () => {
  let run: Run;
  let client: KubeClient;
  let etcdServer: Etcd;
  let etcd: EtcdClient;
  let tag: string;
  let net: string;
  let prefix: string;
  let leader: OperatorProcess | undefined;
  const nodes: string[] = [];

  beforeAll(async () => {
    run = testRun();
    tag = run.tag;
    net = `ft-${tag}`;
    prefix = `/plexus.dev/networks/${net}`;
    client = new KubeClient(loadKubeConfig({ kubeconfig: controlPlane().kubeconfig }));
    etcdServer = await startEtcd({ run });
    etcd = createEtcdClient({ endpoints: [etcdServer.endpoint] });
    const specs = Array.from({ length: NODE_COUNT }, (_, i) => ({
      name: `ft-${tag}-${i}`,
      ip: `192.168.79.${i + 10}`,
      labels: { 'plexus.dev/e2e': tag },
    }));
    await createNodeObjects(client, specs);
    nodes.push(...specs.map((s) => s.name));
  });
  afterAll(async () => {
    await deleteNetworks(client, [net]);
    for (const n of nodes) await client?.delete(NODES, { name: n }).catch(() => {});
    await run?.close();
    etcd?.close();
    client?.close();
  });

  const until = <T>(
    what: string,
    check: () => Promise<T | undefined>,
    timeoutMs = 60_000,
  ): Promise<T> => waitFor(what, check, { timeoutMs, intervalMs: 200 });

  function replica(
    name: string,
    etcdEndpoint: string,
    kubeconfig = controlPlane().kubeconfig,
  ): Promise<OperatorProcess> {
    return startOperatorProcess({
      run,
      name,
      kubeconfig,
      etcdEndpoints: [etcdEndpoint],
      leaderElectionNamespace: 'kube-system',
      args: [`--leader-election-id=plexus-${tag}`],
    });
  }

  /** Per node its owner record, and the lease it names: exactly one each, never a subnet twice. */
  async function checkOneLeaseEach(expected: readonly string[]): Promise<Map<string, KeyValue>> {
    const owners = (await etcd.listPrefix(`${prefix}/plexus/nodes/`)).kvs;
    const leases = (await etcd.listPrefix(`${prefix}/subnets/`)).kvs;
    expect(owners.map((o) => o.key.slice(o.key.lastIndexOf('/') + 1)).sort()).toEqual(
      [...expected].sort(),
    );
    expect(new Set(owners.map((o) => o.value)).size).toBe(owners.length);
    expect(leases).toHaveLength(expected.length);
    const byNode = new Map<string, KeyValue>();
    for (const o of owners) {
      const node = o.key.slice(o.key.lastIndexOf('/') + 1);
      const lease = leases.find((l) => l.key === `${prefix}/subnets/${o.value}`);
      expect(lease, node).toBeDefined();
      expect(parseLeaseValue(lease?.value ?? '').value?.vtepMac).toBe(deriveVtepMac(net, node));
      byNode.set(node, lease as KeyValue);
    }
    return byNode;
  }

  const counter = (text: string, name: string, labels: string): number => {
    const m = new RegExp(`^${name}\\{${labels}[^}]*\\} (\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };

  it('two replicas: only the leader writes; SIGKILLed mid-allocation, the other takes over within the lease time, no duplicate, no lost lease', async () => {
    // Each replica reaches etcd through a proxy of its own, so the leader's can be frozen.
    const up = { host: '127.0.0.1', port: etcdServer.port };
    const proxies: FaultProxy[] = [
      await startFaultProxy({ upstream: up }),
      await startFaultProxy({ upstream: up }),
    ];
    run.onClose('etcd proxies', () =>
      Promise.all(proxies.map((p) => p.close())).then(() => undefined),
    );
    const replicas = [
      await replica(`op-a-${tag}`, `http://${proxies[0]?.address}`),
      await replica(`op-b-${tag}`, `http://${proxies[1]?.address}`),
    ];
    const first = await until('a leader', async () => {
      for (const r of replicas) if (await r.isLeader()) return r;
      return undefined;
    });
    const standby = replicas.find((r) => r !== first) as OperatorProcess;
    expect(await standby.isLeader()).toBe(false);

    await client.create(OVERLAY_NETWORKS, {
      metadata: { name: net },
      spec: {
        network: '10.72.0.0/16',
        backend: { vni: 72 },
        nodeSelector: { matchLabels: { 'plexus.dev/e2e': tag } },
      },
    });
    // Mid-allocation: some leases written, then the leader's etcd connection freezes with
    // transactions in flight (committed or not, it never learns), and it is killed.
    await until(
      'first leases',
      async () => ((await etcd.countPrefix(`${prefix}/subnets/`)) >= 5 ? true : undefined),
      30_000,
    );
    const leaderProxy = proxies[replicas.indexOf(first)] as FaultProxy;
    leaderProxy.pause();
    const standbyMetrics = await standby.metrics();
    expect(counter(standbyMetrics, 'plexus_operator_etcd_requests_total', 'op="txn"')).toBe(0);
    for (const verb of ['POST', 'PATCH'])
      expect(counter(standbyMetrics, 'plexus_operator_kube_requests_total', `verb="${verb}"`)).toBe(
        0,
      );
    expect(
      counter(
        standbyMetrics,
        'controller_runtime_reconcile_total',
        'controller="node",result="success"',
      ),
    ).toBe(0);
    const written = await etcd.countPrefix(`${prefix}/subnets/`);
    expect(written).toBeLessThan(NODE_COUNT);

    const killedAt = Date.now();
    await first.kill();
    await until(
      'the standby leads',
      async () => ((await standby.isLeader()) ? true : undefined),
      LEASE_MS + 10_000,
    );
    const takeover = Date.now() - killedAt;
    expect(takeover).toBeLessThanOrEqual(LEASE_MS + 2 * 2000 + 1000);
    leader = standby;

    await until('every node leased', async () =>
      (await etcd.countPrefix(`${prefix}/plexus/nodes/`)) === NODE_COUNT ? true : undefined,
    );
    const byNode = await checkOneLeaseEach(nodes);
    for (const n of nodes.slice(0, 5)) {
      const cfg = await until(`${n} config`, async () => {
        const c = await client.get(NODE_NETWORK_CONFIGS, { name: n }).catch(() => undefined);
        return c?.spec.overlays?.some((o) => o.name === net) ? c : undefined;
      });
      const entry = cfg.spec.overlays?.find((o) => o.name === net);
      expect(`${prefix}/subnets/${entry?.subnet.replace('/', '-')}`).toBe(byNode.get(n)?.key);
    }
    await until('Ready', async () => {
      const o = await client.get(OVERLAY_NETWORKS, { name: net });
      return o.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
        ? true
        : undefined;
    });
    process.stderr.write(
      `[operator-faults] takeover after SIGKILL: ${takeover} ms (${written} of ${NODE_COUNT} leases written before)\n`,
    );
  });

  it('a restarted operator changes no lease, no VtepMAC and no NodeNetworkConfig', async () => {
    const before = await etcd.listPrefix(`${prefix}/`);
    const configsBefore = new Map(
      (await client.listAll(NODE_NETWORK_CONFIGS)).items.map((c) => [
        c.metadata?.name,
        c.metadata?.resourceVersion,
      ]),
    );
    await leader?.stop();
    const again = await replica(`op-c-${tag}`, etcdServer.endpoint);
    leader = again;
    await until(
      'leading',
      async () => ((await again.isLeader()) ? true : undefined),
      LEASE_MS + 10_000,
    );
    // It has looked at every node once.
    await until('a full pass', async () =>
      counter(
        await again.metrics(),
        'controller_runtime_reconcile_total',
        'controller="node",result="success"',
      ) >= NODE_COUNT
        ? true
        : undefined,
    );
    const after = await etcd.listPrefix(`${prefix}/`);
    expect(after.kvs.map((kv) => [kv.key, kv.modRevision, kv.value])).toEqual(
      before.kvs.map((kv) => [kv.key, kv.modRevision, kv.value]),
    );
    const configsAfter = (await client.listAll(NODE_NETWORK_CONFIGS)).items;
    for (const n of nodes)
      expect(configsAfter.find((c) => c.metadata?.name === n)?.metadata?.resourceVersion, n).toBe(
        configsBefore.get(n),
      );
    const m = await again.metrics();
    expect(counter(m, 'plexus_operator_etcd_requests_total', 'op="txn"')).toBe(0);
  });

  it('reconnects to a restarted etcd and converges', async () => {
    await etcdServer.stop();
    // Nodes that come while etcd is down get their leases once it is back.
    const late = [`ft-${tag}-late0`, `ft-${tag}-late1`];
    for (const [i, n] of late.entries()) {
      await createNodeObject(client, {
        name: n,
        ip: `192.168.79.${200 + i}`,
        labels: { 'plexus.dev/e2e': tag },
      });
      nodes.push(n);
    }
    await new Promise((r) => setTimeout(r, 2000));
    await etcdServer.start();
    await until('late nodes leased', async () =>
      (await etcd.countPrefix(`${prefix}/plexus/nodes/`)) === nodes.length ? true : undefined,
    );
    await checkOneLeaseEach(nodes);
    // The etcd watch resumed too: a lease deleted by hand now is put back.
    const owner = await etcd.get(`${prefix}/plexus/nodes/${late[0]}`);
    await etcd.raw.delete().key(`${prefix}/subnets/${owner?.value}`).exec();
    await until('lease back', async () => etcd.get(`${prefix}/subnets/${owner?.value}`));
  });

  it('recovers its informers when every API server connection is cut', async () => {
    await leader?.stop();
    const cp = controlPlane();
    const proxy = await startFaultProxy({
      upstream: { host: '127.0.0.1', port: Number(new URL(cp.server).port) },
    });
    run.onClose('apiserver proxy', () => proxy.close());
    const kubeconfig = join(run.dir, 'via-proxy.kubeconfig');
    writeKubeconfig(kubeconfig, `https://${proxy.address}`, {
      caCert: cp.caCert,
      user: 'plexus-admin',
      cert: cp.adminCert,
      key: cp.adminKey,
    });
    const op = await replica(`op-d-${tag}`, etcdServer.endpoint, kubeconfig);
    await until(
      'leading',
      async () => ((await op.isLeader()) ? true : undefined),
      LEASE_MS + 10_000,
    );
    for (let round = 0; round < 3; round++) {
      const cut = proxy.cutAll();
      expect(cut).toBeGreaterThan(0);
      const n = `ft-${tag}-cut${round}`;
      await createNodeObject(client, {
        name: n,
        ip: `192.168.79.${210 + round}`,
        labels: { 'plexus.dev/e2e': tag },
      });
      nodes.push(n);
      await until(
        `${n} leased after the cut`,
        async () => etcd.get(`${prefix}/plexus/nodes/${n}`),
        30_000,
      );
    }
    await checkOneLeaseEach(nodes);
    const on: OverlayNetwork = await until('status follows', async () => {
      const o = await client.get(OVERLAY_NETWORKS, { name: net });
      return o.status?.subnets?.allocated === nodes.length ? o : undefined;
    });
    expect(on.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });
});
