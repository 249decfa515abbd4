// Simulated nodes and pods: two hosts on the fabric reach each other, each is
// a Ready Node with its InternalIP, and a pod wired through the host's default
// network (bridge + host-local via cni-exec) reaches its host. Then everything
// is torn down and nothing of the run is left.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlane, skipReason, testRun } from './context.ts';
import { checkNetworkList, loadConfList } from '../devcluster/cni-exec.ts';
import { createFabric, createHost, DEFAULT_NETWORK_FILE, pingFrom } from '../devcluster/hosts.ts';
import type { Fabric, Host } from '../devcluster/hosts.ts';
import { kubectlJson } from '../devcluster/kube.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import { addresses, ipJson, listNetns, ping } from '../devcluster/netns.ts';
import {
  attach,
  createPod,
  destroyPod,
  hostExecContext,
  pingFromPod,
  resultIPv4,
} from '../devcluster/pods.ts';
import type { Pod } from '../devcluster/pods.ts';
import { pidsMentioning } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';

describe.skipIf(skipReason() !== null)('simulated hosts and pods', () => {
  let cp: ControlPlaneInfo;
  let run: Run;
  let fabric: Fabric;
  let a: Host;
  let b: Host;

  beforeAll(async () => {
    cp = controlPlane();
    run = testRun();
    fabric = await createFabric(run);
    a = await createHost(run, fabric, { name: `node-a-${run.tag}`, index: 1, controlPlane: cp });
    b = await createHost(run, fabric, { name: `node-b-${run.tag}`, index: 2, controlPlane: cp });
  });

  afterAll(async () => {
    await run?.close();
  });

  it('gives each host its own namespace, uplink address, CNI dirs and state dir', async () => {
    expect(a.ns.startsWith(run.nsPrefix)).toBe(true);
    expect(listNetns()).toEqual(expect.arrayContaining([fabric.ns, a.ns, b.ns]));
    expect((await addresses(a.ns, 'eth0')).filter((x) => x.family === 'inet')).toEqual([
      expect.objectContaining({ family: 'inet', local: a.ip, prefixlen: 24 }),
    ]);
    expect((await addresses(b.ns, 'eth0')).filter((x) => x.family === 'inet')).toEqual([
      expect.objectContaining({ family: 'inet', local: b.ip, prefixlen: 24 }),
    ]);
    for (const h of [a, b]) {
      expect(existsSync(join(h.cniConfDir, DEFAULT_NETWORK_FILE))).toBe(true);
      expect(existsSync(join(h.cniBinDir, 'bridge'))).toBe(true);
      expect(existsSync(h.stateDir)).toBe(true);
    }
    expect(a.cniConfDir).not.toBe(b.cniConfDir);
    const list = loadConfList(join(a.cniConfDir, DEFAULT_NETWORK_FILE));
    expect(list.cniVersion).toBe('1.0.0');
    expect(list.plugins.map((p) => p.type)).toEqual(['bridge', 'portmap']);
  });

  it('keeps the test addresses inside the run’s namespaces', async () => {
    const rootAddrs = await ipJson(null, ['addr', 'show']);
    const text = JSON.stringify(rootAddrs);
    expect(text).not.toContain(a.ip);
    expect(text).not.toContain(b.ip);
    expect(text).not.toContain(a.podGateway);
  });

  it('registers a Ready Node with its InternalIP for each host', async () => {
    for (const h of [a, b]) {
      const node = (await kubectlJson(cp, ['get', 'node', h.name])) as {
        spec: { podCIDR: string };
        status: {
          addresses: { type: string; address: string }[];
          conditions: { type: string; status: string }[];
        };
      };
      expect(node.spec.podCIDR).toBe(h.podCidr);
      expect(node.status.addresses).toContainEqual({ type: 'InternalIP', address: h.ip });
      expect(node.status.conditions).toContainEqual(
        expect.objectContaining({ type: 'Ready', status: 'True' }),
      );
    }
  });

  it('lets two hosts ping each other across the fabric', async () => {
    expect(await pingFrom(a, b.ip)).toBe(true);
    expect(await pingFrom(b, a.ip)).toBe(true);
    // And nothing answers for an address no host has.
    expect(
      await ping(a.ns, `${fabric.cidr.split('.').slice(0, 3).join('.')}.250`, {
        count: 1,
        deadlineSeconds: 1,
      }),
    ).toBe(false);
  });

  describe('a pod on the default network', () => {
    let pod: Pod;
    let podIp: string;

    beforeAll(async () => {
      pod = await createPod(run, a, { name: 'web' });
    });

    it('gets an address from the host’s pod CIDR through bridge + host-local, run as a runtime would', async () => {
      const result = await attach(pod);
      expect(result).toMatchObject({ cniVersion: '1.0.0' });
      podIp = resultIPv4(result) ?? '';
      expect(podIp.startsWith(a.podCidr.replace(/0\/24$/, ''))).toBe(true);
      expect((await addresses(pod.ns, 'eth0')).filter((x) => x.family === 'inet')).toEqual([
        expect.objectContaining({ local: podIp, prefixlen: 24 }),
      ]);
      // host-local kept its lease in this host's own state dir.
      expect(readdirSync(join(a.stateDir, 'ipam', 'default'))).toContain(podIp);
      // CHECK with the cached result passes.
      await checkNetworkList(
        loadConfList(join(a.cniConfDir, DEFAULT_NETWORK_FILE)),
        pod.attachments[0]!.rt,
        hostExecContext(a),
      );
    });

    it('reaches its host (gateway and uplink address) and the host reaches it', async () => {
      expect(await pingFromPod(pod, a.podGateway)).toBe(true);
      expect(await pingFromPod(pod, a.ip)).toBe(true);
      expect(await ping(a.ns, podIp)).toBe(true);
    });

    it('releases its address and namespace on DEL', async () => {
      await destroyPod(pod);
      expect(listNetns()).not.toContain(pod.ns);
      expect(readdirSync(join(a.stateDir, 'ipam', 'default'))).not.toContain(podIp);
      expect(await ping(a.ns, podIp, { count: 1, deadlineSeconds: 1 })).toBe(false);
    });
  });

  it('tears everything down: no namespace, process or dir of the run is left', async () => {
    await run.close();
    expect(listNetns().filter((n) => n.startsWith(run.nsPrefix))).toEqual([]);
    expect(pidsMentioning(run.dir)).toEqual([]);
    expect(existsSync(run.dir)).toBe(false);
    const nodes = (await kubectlJson(cp, ['get', 'nodes'])) as {
      items: { metadata: { name: string } }[];
    };
    expect(nodes.items.map((n) => n.metadata.name)).not.toContain(a.name);
  });
});
