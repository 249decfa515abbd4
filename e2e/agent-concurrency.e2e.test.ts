// Concurrency in the node agent: 50 pods added at once on one node (attachments one by one,
// and on a second node all at once) all succeed with no address handed out twice, and are all
// deleted at once; operations on one container never overlap (a DEL waits for its ADD).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlane, skipReason, testRun } from './context.ts';
import {
  applyNad,
  createPodObject,
  ensureNamespace,
  leases,
  macvlanConfig,
  podLinks,
  podSandbox,
  startAgentNode,
  writeSlowPlugin,
} from './agent-harness.ts';
import type { AgentNode } from './agent-harness.ts';
import { resolveAgentBuilds, agentCredentials } from '../devcluster/agents.ts';
import { createFabric } from '../devcluster/hosts.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import type { Run } from '../devcluster/run.ts';

const PODS = 50;

describe.skipIf(skipReason() !== null)('node agent: concurrency', () => {
  let cp: ControlPlaneInfo;
  let run: Run;
  let ns: string;

  beforeAll(async () => {
    cp = controlPlane();
    run = testRun();
    ns = `conc-${run.tag}`;
    await ensureNamespace(cp, ns);
  });
  afterAll(() => run?.close());

  /** Adds PODS pods with two macvlan attachments each at once, checks, deletes them at once. */
  async function fiftyPods(node: AgentNode, prefix: string): Promise<void> {
    const ipamDir = join(node.host.stateDir, 'ipam-nads');
    const clusterIpamDir = join(node.host.stateDir, 'ipam');
    await applyNad(
      cp,
      ns,
      `${prefix}-a`,
      macvlanConfig(`${prefix}-a`, '192.168.120.0/24', ipamDir),
    );
    await applyNad(
      cp,
      ns,
      `${prefix}-b`,
      macvlanConfig(`${prefix}-b`, '192.168.121.0/24', ipamDir),
    );
    const sandboxes = await Promise.all(
      Array.from({ length: PODS }, async (_, i) => {
        const obj = await createPodObject(cp, {
          name: `${prefix}-${i}`,
          namespace: ns,
          node: node.host.name,
          annotations: { 'k8s.v1.cni.cncf.io/networks': `${prefix}-a, ${prefix}-b` },
        });
        return podSandbox(run, node, obj);
      }),
    );
    const answers = await Promise.all(sandboxes.map((s) => node.driver.call('add', s.attachment)));
    expect(answers.filter((a) => !a.ok).map((a) => a.error)).toEqual([]);
    const addresses: string[] = [];
    for (const s of sandboxes) {
      const links = await podLinks(s.netns.ns);
      expect(links.map((l) => l.ifname).sort()).toEqual(['eth0', 'lo', 'net1', 'net2']);
      for (const l of links)
        for (const a of l.addr_info ?? [])
          if (a.family === 'inet' && l.ifname !== 'lo') addresses.push(a.local);
    }
    expect(addresses).toHaveLength(PODS * 3);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(leases(ipamDir)).toHaveLength(PODS * 2);
    expect(leases(clusterIpamDir)).toHaveLength(PODS);

    const dels = await Promise.all(sandboxes.map((s) => node.driver.call('del', s.attachment)));
    expect(dels.filter((a) => !a.ok).map((a) => a.error)).toEqual([]);
    expect(leases(ipamDir)).toEqual([]);
    expect(leases(clusterIpamDir)).toEqual([]);
  }

  it(`adds ${PODS} pods at once on one node with no duplicate address, and deletes them at once`, async () => {
    const node = await startAgentNode(run, cp);
    await fiftyPods(node, 'seq');
  });

  it(`does the same with each pod’s attachments added concurrently`, async () => {
    const fabric = await createFabric(run, { name: 'fabric2', cidr: '192.168.65.0/24' });
    const node = await startAgentNode(run, cp, {
      fabric,
      index: 2,
      builds: await resolveAgentBuilds(),
      token: await agentCredentials(cp),
      agentArgs: ['--concurrent-attachments'],
    });
    await fiftyPods(node, 'conc');
  });

  it('never works on one container concurrently: a DEL sent during its ADD waits for it', async () => {
    const fabric = await createFabric(run, { name: 'fabric3', cidr: '192.168.66.0/24' });
    const node = await startAgentNode(run, cp, { fabric, index: 3 });
    writeSlowPlugin(node.host);
    const ipamDir = join(node.host.stateDir, 'ipam-nads');
    await applyNad(cp, ns, 'slow', {
      cniVersion: '1.0.0',
      name: 'slow',
      plugins: [
        {
          type: 'macvlan',
          master: 'eth0',
          ipam: {
            type: 'host-local',
            dataDir: ipamDir,
            ranges: [[{ subnet: '192.168.122.0/24' }]],
          },
        },
        { type: 'test-slow', sleepMs: 2000 },
      ],
    });
    const obj = await createPodObject(cp, {
      name: 'overlap',
      namespace: ns,
      node: node.host.name,
      annotations: { 'k8s.v1.cni.cncf.io/networks': 'slow' },
    });
    const { netns, attachment } = await podSandbox(run, node, obj);
    const started = Date.now();
    const add = node.driver.call('add', attachment);
    await new Promise((r) => setTimeout(r, 300));
    const del = node.driver.call('del', attachment);
    const [a, d] = await Promise.all([add, del]);
    expect(a.ok).toBe(true);
    expect(d.ok).toBe(true);
    // The DEL could only start once the ADD (2 s of it in the slow plugin) was done.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect((await podLinks(netns.ns)).map((l) => l.ifname)).toEqual(['lo']);
    expect(leases(ipamDir)).toEqual([]);
  });
});
