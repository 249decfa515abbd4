// The node agent serving multi-interface pods, driven exactly as a runtime drives it: libcni
// (the cni-driver, as containerd) reads the node's conf dir, runs the `plexus` shim, which
// forwards to the agent, which runs the real reference plugins in /usr/lib/cni. Pods and NADs
// are real objects in the shared kube-apiserver; pods are network namespaces.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlane, skipReason, testRun } from './context.ts';
import {
  applyNad,
  createPodObject,
  ensureNamespace,
  leases,
  macvlanConfig,
  podAnnotations,
  podLinks,
  podSandbox,
  startAgentNode,
} from './agent-harness.ts';
import type { AgentNode, LinkInfo } from './agent-harness.ts';
import { DriverError } from '../devcluster/cni-driver.ts';
import { kubectlJson } from '../devcluster/kube.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import { ipJson } from '../devcluster/netns.ts';
import { waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';

const STATUS = 'k8s.v1.cni.cncf.io/network-status';

interface StatusEntry {
  name: string;
  interface?: string;
  ips?: string[];
  mac?: string;
  default: boolean;
  gateway?: string[];
}

describe.skipIf(skipReason() !== null)('node agent: multi-interface pods through libcni', () => {
  let cp: ControlPlaneInfo;
  let run: Run;
  let node: AgentNode;
  let ns: string;
  let other: string;
  /** Where the NADs' host-local keeps its leases. */
  let ipamDir: string;
  /** The cluster network's host-local leases. */
  let clusterIpamDir: string;

  beforeAll(async () => {
    cp = controlPlane();
    run = testRun();
    node = await startAgentNode(run, cp);
    ns = `agent-${run.tag}`;
    other = `other-${run.tag}`;
    await ensureNamespace(cp, ns);
    await ensureNamespace(cp, other);
    ipamDir = join(node.host.stateDir, 'ipam-nads');
    clusterIpamDir = join(node.host.stateDir, 'ipam');
    await applyNad(cp, ns, 'macvlan-a', macvlanConfig('macvlan-a', '192.168.100.0/24', ipamDir));
    await applyNad(cp, other, 'macvlan-b', macvlanConfig('macvlan-b', '192.168.101.0/24', ipamDir));
    await applyNad(cp, ns, 'bridge-c', {
      cniVersion: '1.0.0',
      name: 'bridge-c',
      type: 'bridge',
      bridge: 'br-c',
      ipam: { type: 'host-local', dataDir: ipamDir, ranges: [[{ subnet: '192.168.102.0/24' }]] },
    });
  });
  afterAll(() => run?.close());

  const statusOf = async (pod: { name: string; namespace: string }): Promise<StatusEntry[]> => {
    const value = (await podAnnotations(cp, pod))[STATUS];
    return value === undefined ? [] : (JSON.parse(value) as StatusEntry[]);
  };
  /** The network-status once it lists `n` entries (the agent writes it right after ADD, in the background). */
  const statusWith = (
    pod: { name: string; namespace: string },
    n: number,
  ): Promise<StatusEntry[]> =>
    waitFor(
      `network-status of ${pod.name} with ${n} entries`,
      async () => {
        const s = await statusOf(pod);
        return s.length === n ? s : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  const inet = (l: LinkInfo | undefined): string[] =>
    (l?.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => a.local);

  it('writes 00-plexus.conflist wrapping the cluster network and installs the shim', () => {
    const list = JSON.parse(readFileSync(join(node.host.cniConfDir, '00-plexus.conflist'), 'utf8'));
    expect(list).toMatchObject({
      cniVersion: '1.1.0',
      name: 'plexus',
      plugins: [{ type: 'plexus' }],
    });
    const plugin = list.plugins[0];
    expect(plugin.clusterNetwork.name).toBe('default');
    expect(plugin.capabilities).toEqual({ portMappings: true });
    expect(plugin.socketPath).toBe(node.agent.socketPath);
    const bin = readdirSync(node.host.cniBinDir);
    expect(bin).toEqual(expect.arrayContaining(['plexus', 'plexus-overlay', 'veth-to-host']));
  });

  describe('a pod with macvlan-a, other-ns/macvlan-b@data0, bridge-c', () => {
    let sandbox: Awaited<ReturnType<typeof podSandbox>>;
    let pod: Awaited<ReturnType<typeof createPodObject>>;

    beforeAll(async () => {
      pod = await createPodObject(cp, {
        name: 'three',
        namespace: ns,
        node: node.host.name,
        annotations: {
          'k8s.v1.cni.cncf.io/networks': `macvlan-a, ${other}/macvlan-b@data0, bridge-c`,
        },
      });
      sandbox = await podSandbox(run, node, pod);
    });

    it('gets eth0, net1, data0 and net3 with their IPAMs’ addresses, and a matching network-status', async () => {
      const answer = await node.driver.add(sandbox.attachment);
      // The runtime gets the cluster network's result, as from Multus.
      const result = answer.result as {
        ips: { address: string }[];
        interfaces: { name: string }[];
      };
      expect(result.ips[0]?.address).toMatch(/^10\.244\.1\.\d+\/24$/);
      const links = await podLinks(sandbox.netns.ns);
      const byName = new Map(links.map((l) => [l.ifname, l]));
      expect([...byName.keys()].sort()).toEqual(['data0', 'eth0', 'lo', 'net1', 'net3']);
      expect(inet(byName.get('eth0'))[0]).toMatch(/^10\.244\.1\./);
      expect(inet(byName.get('net1'))[0]).toMatch(/^192\.168\.100\./);
      expect(inet(byName.get('data0'))[0]).toMatch(/^192\.168\.101\./);
      expect(inet(byName.get('net3'))[0]).toMatch(/^192\.168\.102\./);

      const status = await statusWith(pod, 4);
      expect(status.map((s) => [s.name, s.interface, s.default])).toEqual([
        ['default', 'eth0', true],
        [`${ns}/macvlan-a`, 'net1', false],
        [`${other}/macvlan-b`, 'data0', false],
        [`${ns}/bridge-c`, 'net3', false],
      ]);
      for (const s of status) {
        const link = byName.get(s.interface ?? '');
        expect(s.ips).toEqual(inet(link));
        expect(s.mac).toBe(link?.address);
        // Never a "<nil>" gateway: none of these attachments installed a default route but eth0.
        expect(JSON.stringify(s)).not.toContain('<nil>');
      }
      expect(leases(ipamDir)).toHaveLength(3);
    });

    it('records an AddedInterface event per interface', async () => {
      const events = await waitFor(
        'AddedInterface events',
        async () => {
          const list = (await kubectlJson(cp, ['get', 'events', '-n', ns])) as {
            items: { reason: string; message?: string; involvedObject: { name: string } }[];
          };
          const mine = list.items.filter(
            (e) => e.reason === 'AddedInterface' && e.involvedObject.name === 'three',
          );
          return mine.length >= 4 ? mine : undefined;
        },
        { timeoutMs: 20_000 },
      );
      expect(events.map((e) => e.message).sort()).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Add net1 \[192\.168\.100\.\d+\/24\] from .*\/macvlan-a$/),
        ]),
      );
    });

    it('passes CHECK', async () => {
      await expect(node.driver.check(sandbox.attachment)).resolves.toMatchObject({ ok: true });
    });

    it('DEL removes every interface and releases every IP; a second DEL succeeds', async () => {
      await node.driver.del(sandbox.attachment);
      const links = await podLinks(sandbox.netns.ns);
      expect(links.map((l) => l.ifname)).toEqual(['lo']);
      expect(leases(ipamDir)).toEqual([]);
      expect(leases(clusterIpamDir)).toEqual([]);
      await expect(node.driver.del(sandbox.attachment)).resolves.toMatchObject({ ok: true });
    });

    it('the network-status no longer lists the released addresses', async () => {
      await waitFor(
        'network-status cleared',
        async () => ((await statusOf(pod)).length === 0 ? true : undefined),
        {
          timeoutMs: 20_000,
        },
      );
    });
  });

  it('an ADD whose third attachment fails leaves nothing behind', async () => {
    await applyNad(cp, ns, 'macvlan-broken', {
      ...macvlanConfig('macvlan-broken', '192.168.104.0/24', ipamDir),
      master: 'nosuch0',
    });
    const pod = await createPodObject(cp, {
      name: 'third-fails',
      namespace: ns,
      node: node.host.name,
      annotations: { 'k8s.v1.cni.cncf.io/networks': 'macvlan-a, bridge-c, macvlan-broken' },
    });
    const { netns, attachment } = await podSandbox(run, node, pod);
    const err = await node.driver.add(attachment).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriverError);
    expect((err as DriverError).message).toMatch(
      /ADD of .*\/macvlan-broken \(net3\): plugin macvlan/,
    );
    expect((await podLinks(netns.ns)).map((l) => l.ifname)).toEqual(['lo']);
    expect(leases(ipamDir)).toEqual([]);
    expect(leases(clusterIpamDir)).toEqual([]);
    expect(readdirSync(join(node.agent.stateDir, 'attachments'))).toEqual([]);
    expect(await statusOf(pod)).toEqual([]);
  });

  it('a pod naming a missing NAD fails with a NoNetworkFound event and adds nothing', async () => {
    const pod = await createPodObject(cp, {
      name: 'missing-nad',
      namespace: ns,
      node: node.host.name,
      annotations: { 'k8s.v1.cni.cncf.io/networks': 'macvlan-a, not-there' },
    });
    const { netns, attachment } = await podSandbox(run, node, pod);
    await expect(node.driver.add(attachment)).rejects.toThrow(/not-there.*does not exist/);
    expect((await podLinks(netns.ns)).map((l) => l.ifname)).toEqual(['lo']);
    expect(leases(clusterIpamDir)).toEqual([]);
    await waitFor(
      'NoNetworkFound event',
      async () => {
        const list = (await kubectlJson(cp, ['get', 'events', '-n', ns])) as {
          items: { reason: string; type: string; involvedObject: { name: string } }[];
        };
        return list.items.some(
          (e) =>
            e.reason === 'NoNetworkFound' &&
            e.type === 'Warning' &&
            e.involvedObject.name === 'missing-nad',
        )
          ? true
          : undefined;
      },
      { timeoutMs: 20_000 },
    );
  });

  it('passes ips and mac to a network whose plugin declares them, and fails a network that does not', async () => {
    await applyNad(cp, ns, 'macvlan-static', {
      cniVersion: '1.0.0',
      name: 'macvlan-static',
      type: 'macvlan',
      master: 'eth0',
      capabilities: { ips: true, mac: true },
      ipam: { type: 'static' },
    });
    const pod = await createPodObject(cp, {
      name: 'static',
      namespace: ns,
      node: node.host.name,
      annotations: {
        'k8s.v1.cni.cncf.io/networks': JSON.stringify([
          { name: 'macvlan-static', ips: ['192.168.103.7/24'], mac: '02:00:00:00:00:07' },
        ]),
      },
    });
    const { netns, attachment } = await podSandbox(run, node, pod);
    await node.driver.add(attachment);
    const net1 = (await podLinks(netns.ns)).find((l) => l.ifname === 'net1');
    expect(inet(net1)).toEqual(['192.168.103.7']);
    expect(net1?.address).toBe('02:00:00:00:00:07');
    await node.driver.del(attachment);

    const refused = await createPodObject(cp, {
      name: 'ips-without-capability',
      namespace: ns,
      node: node.host.name,
      annotations: {
        'k8s.v1.cni.cncf.io/networks': JSON.stringify([
          { name: 'macvlan-a', ips: ['192.168.100.50/24'] },
        ]),
      },
    });
    const second = await podSandbox(run, node, refused);
    await expect(node.driver.add(second.attachment)).rejects.toThrow(
      /declares the "ips" capability/,
    );
    expect((await podLinks(second.netns.ns)).map((l) => l.ifname)).toEqual(['lo']);
    expect(leases(clusterIpamDir)).toEqual([]);
  });

  it('default-route moves the pod’s default route to the named attachment', async () => {
    await applyNad(cp, ns, 'macvlan-gw', {
      ...macvlanConfig('macvlan-gw', '192.168.105.0/24', ipamDir),
      ipam: {
        type: 'host-local',
        dataDir: ipamDir,
        ranges: [[{ subnet: '192.168.105.0/24', gateway: '192.168.105.1' }]],
      },
    });
    const pod = await createPodObject(cp, {
      name: 'default-route',
      namespace: ns,
      node: node.host.name,
      annotations: {
        'k8s.v1.cni.cncf.io/networks': JSON.stringify([
          { name: 'macvlan-gw', 'default-route': ['192.168.105.1'] },
        ]),
      },
    });
    const { netns, attachment } = await podSandbox(run, node, pod);
    await node.driver.add(attachment);
    const routes = (await ipJson(netns.ns, ['route', 'show', 'default'])) as {
      gateway?: string;
      dev: string;
    }[];
    expect(routes).toEqual([expect.objectContaining({ gateway: '192.168.105.1', dev: 'net1' })]);
    const status = await statusWith(pod, 2);
    expect(status[0]).toMatchObject({ interface: 'eth0', default: true });
    expect(status[0]?.gateway).toBeUndefined();
    expect(status[1]).toMatchObject({ interface: 'net1', gateway: ['192.168.105.1'] });
    await node.driver.del(attachment);
  });

  it('v1.multus-cni.io/default-network replaces the cluster network', async () => {
    const pod = await createPodObject(cp, {
      name: 'own-default',
      namespace: ns,
      node: node.host.name,
      annotations: { 'v1.multus-cni.io/default-network': 'bridge-c' },
    });
    const { netns, attachment } = await podSandbox(run, node, pod);
    await node.driver.add(attachment);
    const eth0 = (await podLinks(netns.ns)).find((l) => l.ifname === 'eth0');
    expect(inet(eth0)[0]).toMatch(/^192\.168\.102\./);
    expect(leases(clusterIpamDir)).toEqual([]);
    expect((await statusWith(pod, 1)).map((s) => [s.name, s.interface, s.default])).toEqual([
      [`${ns}/bridge-c`, 'eth0', true],
    ]);
    await node.driver.del(attachment);
    expect(leases(ipamDir)).toEqual([]);
  });

  it('negotiates versions: a cniVersion 1.1.0 NAD runs on Debian’s plugins, which stop at 1.0.0', async () => {
    await applyNad(cp, ns, 'macvlan-11', {
      ...macvlanConfig('macvlan-11', '192.168.106.0/24', ipamDir),
      cniVersion: '1.1.0',
    });
    const pod = await createPodObject(cp, {
      name: 'cni11',
      namespace: ns,
      node: node.host.name,
      annotations: { 'k8s.v1.cni.cncf.io/networks': 'macvlan-11' },
    });
    const { netns, attachment } = await podSandbox(run, node, pod);
    await node.driver.add(attachment);
    const net1 = (await podLinks(netns.ns)).find((l) => l.ifname === 'net1');
    expect(inet(net1)[0]).toMatch(/^192\.168\.106\./);
    await node.driver.del(attachment);
    expect(leases(ipamDir)).toEqual([]);
  });

  it('serves /healthz, /readyz and the CNI metrics by command, result and error code', async () => {
    expect((await node.agent.get('/healthz')).status).toBe(200);
    expect((await node.agent.get('/readyz')).status).toBe(200);
    const metrics = (await node.agent.get('/metrics')).body;
    expect(metrics).toMatch(
      /^plexus_cni_request_duration_seconds_count\{[^}]*command="ADD",result="success"[^}]*\} [1-9]/m,
    );
    expect(metrics).toMatch(
      /^plexus_cni_request_duration_seconds_count\{[^}]*command="ADD",result="error"[^}]*\} [1-9]/m,
    );
    // The missing NAD and the capability refusal: invalid network config (7).
    expect(metrics).toMatch(/^plexus_cni_errors_total\{command="ADD",code="7"[^}]*\} [1-9]/m);
    expect(metrics).toMatch(
      /^plexus_agent_api_requests_total\{method="PATCH",resource="pods\/status"[^}]*\} [1-9]/m,
    );
  });
});
