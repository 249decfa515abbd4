// Leases under a prefix shared with others, and running out of subnets, against the real
// kube-apiserver and etcd with the operator as its own process: a lease someone else wrote
// is never overwritten nor reused (nor deleted with the network, nor is the config it
// needs); a config that differs from the spec while others lease under it is left alone
// and reported; a VNI old flanneld cannot read is reported; a lease of ours deleted by
// hand comes back unchanged; a network with room for 4 subnets and 6 nodes leases 4,
// reports SubnetsExhausted, and leases again when a node leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveVtepMac, leaseValue } from '../api/overlay/index.ts';
import { createEtcdClient } from '../lib/etcd/index.ts';
import type { EtcdClient, KeyValue } from '../lib/etcd/index.ts';
import {
  EVENTS,
  KubeClient,
  NODES,
  OVERLAY_NETWORKS,
  isNotFound,
  loadKubeConfig,
} from '../lib/kube/index.ts';
import type { OverlayNetwork } from '../lib/kube/index.ts';
import { startEtcd } from '../devcluster/etcd.ts';
import { createNodeObject } from '../devcluster/node-objects.ts';
import { startOperatorProcess } from '../devcluster/operator-process.ts';
import { waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';
import { controlPlane, skipReason, testRun } from './context.ts';
import { deleteNetworks } from './operator-cleanup.ts';

describe.skipIf(skipReason() !== null)('operator leases', () => {
  let run: Run;
  let client: KubeClient;
  let etcd: EtcdClient;
  let tag: string;
  const nodes: string[] = [];
  const networks: string[] = [];

  beforeAll(async () => {
    run = testRun();
    tag = run.tag;
    const cp = controlPlane();
    client = new KubeClient(loadKubeConfig({ kubeconfig: cp.kubeconfig }));
    const server = await startEtcd({ run });
    etcd = createEtcdClient({ endpoints: [server.endpoint] });
    await startOperatorProcess({
      run,
      name: `operator-${tag}`,
      kubeconfig: cp.kubeconfig,
      etcdEndpoints: [server.endpoint],
      leaderElectionNamespace: 'kube-system',
      args: [`--leader-election-id=plexus-${tag}`],
    });
  });
  afterAll(async () => {
    await deleteNetworks(client, networks);
    for (const n of nodes) await client?.delete(NODES, { name: n }).catch(() => {});
    await run?.close();
    etcd?.close();
    client?.close();
  });

  const until = <T>(
    what: string,
    check: () => Promise<T | undefined>,
    timeoutMs = 30_000,
  ): Promise<T> => waitFor(what, check, { timeoutMs, intervalMs: 200 });
  const get = (name: string): Promise<OverlayNetwork> => client.get(OVERLAY_NETWORKS, { name });
  const cond = (o: OverlayNetwork, type: string) =>
    o.status?.conditions?.find((c) => c.type === type);
  const subnets = async (prefix: string): Promise<KeyValue[]> =>
    (await etcd.listPrefix(`${prefix}/subnets/`)).kvs;

  async function addNodes(group: string, count: number, from: number): Promise<string[]> {
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = `ls-${tag}-${group}${from + i}`;
      await createNodeObject(client, {
        name,
        ip: `192.168.78.${from + i}`,
        labels: { 'plexus.dev/e2e': `${tag}-${group}` },
      });
      nodes.push(name);
      names.push(name);
    }
    return names;
  }

  async function createNetwork(
    name: string,
    spec: Record<string, unknown>,
    group: string,
  ): Promise<void> {
    networks.push(name);
    await client.create(OVERLAY_NETWORKS, {
      metadata: { name },
      spec: {
        ...spec,
        nodeSelector: { matchLabels: { 'plexus.dev/e2e': `${tag}-${group}` } },
      } as unknown as OverlayNetwork['spec'],
    });
  }

  it('never overwrites, reuses or deletes a lease someone else wrote under a shared prefix', async () => {
    const prefix = `/k8s/shared-${tag}`;
    const name = `sh-${tag}`;
    // An upstream flanneld's admin wrote the config; one of its nodes holds the first subnet.
    const config = '{"Network":"10.68.0.0/16","Backend":{"Type":"vxlan","VNI":70000}}';
    await etcd.put(`${prefix}/config`, config);
    const theirs =
      '{"PublicIP":"192.168.1.200","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":70000,"VtepMAC":"aa:bb:cc:00:00:01"}}';
    await etcd.put(`${prefix}/subnets/10.68.1.0-24`, theirs);
    const foreign = await etcd.get(`${prefix}/subnets/10.68.1.0-24`);
    const members = await addNodes('sh', 3, 10);
    await createNetwork(
      name,
      { network: '10.68.0.0/16', backend: { vni: 70000 }, etcdPrefix: prefix },
      'sh',
    );
    const ready = await until('Ready', async () => {
      const o = await get(name);
      return cond(o, 'Ready')?.status === 'True' ? o : undefined;
    });
    // The config said the same as the spec: kept as flanneld's admin wrote it.
    expect((await etcd.get(`${prefix}/config`))?.value).toBe(config);
    const kvs = await subnets(prefix);
    expect(kvs).toHaveLength(4);
    expect(kvs.find((kv) => kv.key.endsWith('/10.68.1.0-24'))?.modRevision).toBe(
      foreign?.modRevision,
    );
    expect(ready.status?.subnets).toEqual({ capacity: 255, allocated: 3 });
    // VNI 70000 with another writer under the prefix: flanneld before v0.24 cannot read it.
    expect(cond(ready, 'Degraded')).toMatchObject({ status: 'True', reason: 'VNIBeyondUint16' });

    // Another foreign lease appears while running; a new node avoids it.
    const next = '10.68.5.0-24';
    await etcd.put(`${prefix}/subnets/${next}`, theirs.replace('.200', '.201'));
    // The operator's etcd watch saw it: its status counts two leases of others.
    await until('watch saw it', async () =>
      cond(await get(name), 'SubnetsExhausted')?.message.includes('2 by others') ? true : undefined,
    );
    const [late] = await addNodes('sh', 1, 20);
    await until('a lease for the late node', async () =>
      (await subnets(prefix)).length === 6 ? true : undefined,
    );
    const lateOwner = await etcd.get(`${prefix}/plexus/nodes/${late}`);
    expect(lateOwner?.value).not.toBe(next);
    expect(lateOwner?.value).not.toBe('10.68.1.0-24');
    expect((await etcd.get(`${prefix}/subnets/${next}`))?.value).toBe(
      theirs.replace('.200', '.201'),
    );

    // Deleting the network removes only ours; the config stays for the other writer.
    await client.delete(OVERLAY_NETWORKS, { name });
    await until('network gone', async () =>
      (await get(name).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)))) ===
      undefined
        ? true
        : undefined,
    );
    const left = await subnets(prefix);
    expect(left.map((kv) => kv.key).sort()).toEqual([
      `${prefix}/subnets/10.68.1.0-24`,
      `${prefix}/subnets/${next}`,
    ]);
    expect(left.find((kv) => kv.key.endsWith('10.68.1.0-24'))?.modRevision).toBe(
      foreign?.modRevision,
    );
    expect((await etcd.get(`${prefix}/config`))?.value).toBe(config);
    expect(await etcd.countPrefix(`${prefix}/plexus/`)).toBe(0);
    const events = await client.list(EVENTS, {
      namespace: 'default',
      fieldSelector: `regarding.name=${name}`,
    });
    expect(events.items.map((e) => e.reason)).toContain('ConfigKept');
    for (const m of members) expect(m).toContain(tag);
  });

  it('leaves a differing config alone while others lease under the prefix, and says so', async () => {
    const prefix = `/k8s/conflict-${tag}`;
    const name = `cf-${tag}`;
    const config = '{"Network":"10.69.0.0/16","SubnetLen":25,"Backend":{"Type":"vxlan","VNI":9}}';
    await etcd.put(`${prefix}/config`, config);
    await etcd.put(
      `${prefix}/subnets/10.69.1.0-25`,
      '{"PublicIP":"192.168.1.9","BackendType":"vxlan","BackendData":{"VNI":9,"VtepMAC":"aa:bb:cc:00:00:09"}}',
    );
    await addNodes('cf', 1, 30);
    await createNetwork(
      name,
      { network: '10.69.0.0/16', backend: { vni: 9 }, etcdPrefix: prefix },
      'cf',
    );
    const o = await until('EtcdConfigConflict', async () => {
      const x = await get(name);
      return cond(x, 'Ready')?.reason === 'EtcdConfigConflict' ? x : undefined;
    });
    expect(cond(o, 'Ready')?.status).toBe('False');
    expect(cond(o, 'Degraded')).toMatchObject({ status: 'True', reason: 'EtcdConfigConflict' });
    expect(cond(o, 'Degraded')?.message).toContain('make the spec match');
    expect((await etcd.get(`${prefix}/config`))?.value).toBe(config);
    expect(await etcd.countPrefix(`${prefix}/plexus/`)).toBe(0);
  });

  it('puts back a lease of ours deleted by hand, with the same subnet and VtepMAC', async () => {
    const name = `rp-${tag}`;
    const prefix = `/plexus.dev/networks/${name}`;
    const [n] = await addNodes('rp', 1, 40);
    await createNetwork(name, { network: '10.70.0.0/16', backend: { vni: 70 } }, 'rp');
    const owner = await until('a lease', async () => etcd.get(`${prefix}/plexus/nodes/${n}`));
    const key = `${prefix}/subnets/${owner.value}`;
    const original = await until('the lease', async () => etcd.get(key));
    expect(original.value).toBe(
      leaseValue({ publicIp: '192.168.78.40', vni: 70, vtepMac: deriveVtepMac(name, n ?? '') }),
    );
    await etcd.raw.delete().key(key).exec();
    const back = await until('lease back', async () => etcd.get(key));
    expect(back.value).toBe(original.value);
    expect((await etcd.get(`${prefix}/plexus/nodes/${n}`))?.modRevision).toBe(owner.modRevision);
  });

  it('with room for 4 subnets and 6 nodes leases 4, reports SubnetsExhausted, and leases again when a node leaves', async () => {
    const name = `ex-${tag}`;
    const prefix = `/plexus.dev/networks/${name}`;
    const six = await addNodes('ex', 6, 50);
    await createNetwork(
      name,
      {
        network: '10.71.0.0/16',
        subnetLen: 24,
        subnetMin: '10.71.1.0',
        subnetMax: '10.71.4.0',
        backend: { vni: 71 },
      },
      'ex',
    );
    const full = await until('SubnetsExhausted', async () => {
      const o = await get(name);
      return cond(o, 'SubnetsExhausted')?.status === 'True' && o.status?.subnets?.allocated === 4
        ? o
        : undefined;
    });
    expect(full.status?.subnets).toEqual({ capacity: 4, allocated: 4 });
    expect(cond(full, 'SubnetsExhausted')?.message).toContain('2 selected nodes wait');
    expect(cond(full, 'Ready')).toMatchObject({ status: 'False', reason: 'SubnetsExhausted' });
    expect(
      (await subnets(prefix)).map((kv) => kv.key.slice(kv.key.lastIndexOf('/') + 1)).sort(),
    ).toEqual(['10.71.1.0-24', '10.71.2.0-24', '10.71.3.0-24', '10.71.4.0-24']);
    const warned = await client.list(EVENTS, {
      namespace: 'default',
      fieldSelector: `regarding.name=${name}`,
    });
    expect(warned.items.some((e) => e.type === 'Warning' && e.reason === 'NoFreeSubnet')).toBe(
      true,
    );

    // A node that holds a lease leaves: a waiting one gets its subnet.
    const owners = (await etcd.listPrefix(`${prefix}/plexus/nodes/`)).kvs;
    const holder = owners[0]?.key.slice(owners[0].key.lastIndexOf('/') + 1) ?? '';
    const freed = owners[0]?.value;
    const waiting = six.filter((n) => !owners.some((o) => o.key.endsWith(`/${n}`)));
    await client.delete(NODES, { name: holder });
    const taken = await until('a waiting node got the freed subnet', async () => {
      const kvs = (await etcd.listPrefix(`${prefix}/plexus/nodes/`)).kvs;
      const got = kvs.find((kv) => waiting.some((w) => kv.key.endsWith(`/${w}`)));
      return kvs.length === 4 && got !== undefined ? got : undefined;
    });
    expect(taken.value).toBe(freed);
    // One more leaves: everyone fits, Ready again.
    await client.delete(NODES, { name: waiting.find((w) => !taken.key.endsWith(`/${w}`)) ?? '' });
    await until('Ready', async () => {
      const o = await get(name);
      return cond(o, 'Ready')?.status === 'True' && cond(o, 'SubnetsExhausted')?.status === 'False'
        ? true
        : undefined;
    });
  });
});
