// The node agent when things break: the agent down (the shim answers at once), the API server
// stopped or killed in the middle of an ADD, the agent restarted between ADD and DEL, and an
// agent killed halfway through an ADD (GC then frees what it left). This file starts a control
// plane of its own, since it stops and kills the API server.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipReason, testRun } from './context.ts';
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
  writeSlowPlugin,
} from './agent-harness.ts';
import type { AgentNode } from './agent-harness.ts';
import { startControlPlane } from '../devcluster/control-plane.ts';
import type { ControlPlane } from '../devcluster/control-plane.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import { waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';

const STATUS = 'k8s.v1.cni.cncf.io/network-status';

describe.skipIf(skipReason() !== null)('node agent under faults', () => {
  let run: Run;
  let cp: ControlPlane;
  let info: ControlPlaneInfo;
  let node: AgentNode;
  let ns: string;
  let ipamDir: string;
  let clusterIpamDir: string;

  beforeAll(async () => {
    run = testRun();
    cp = await startControlPlane({ run });
    info = cp.info();
    node = await startAgentNode(run, info);
    writeSlowPlugin(node.host);
    ns = `faults-${run.tag}`;
    await ensureNamespace(info, ns);
    ipamDir = join(node.host.stateDir, 'ipam-nads');
    clusterIpamDir = join(node.host.stateDir, 'ipam');
    await applyNad(info, ns, 'macvlan-a', macvlanConfig('macvlan-a', '192.168.110.0/24', ipamDir));
    await applyNad(info, ns, 'macvlan-b', macvlanConfig('macvlan-b', '192.168.111.0/24', ipamDir));
    // macvlan, then a chained plugin that takes its time: the window the faults hit.
    await applyNad(info, ns, 'slow', {
      cniVersion: '1.0.0',
      name: 'slow',
      plugins: [
        {
          ...macvlanConfig('slow', '192.168.112.0/24', ipamDir),
          cniVersion: undefined,
          name: undefined,
        },
        { type: 'test-slow', sleepMs: 3000 },
      ],
    });
  });
  afterAll(() => run?.close());

  const pod = async (name: string, networks: string) => {
    const obj = await createPodObject(info, {
      name,
      namespace: ns,
      node: node.host.name,
      annotations: { 'k8s.v1.cni.cncf.io/networks': networks },
    });
    return { obj, ...(await podSandbox(run, node, obj)) };
  };
  const allLeases = (): string[] => [...leases(ipamDir), ...leases(clusterIpamDir)];

  it('the shim answers CNI error 11 at once while the agent is down, STATUS 50', async () => {
    const p = await pod('agent-down', 'macvlan-a');
    await node.agent.service.stop();
    try {
      const started = Date.now();
      const add = await node.driver.call('add', p.attachment);
      expect(add).toMatchObject({ ok: false, code: 11 });
      expect(add.error).toMatch(/not answering; try again later/);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await node.driver.call('status', {})).toMatchObject({ ok: false, code: 50 });
    } finally {
      await node.agent.service.start();
    }
    // The runtime retries: the pod comes up, nothing was left by the failed try.
    await node.driver.add(p.attachment);
    await node.driver.del(p.attachment);
    expect(allLeases()).toEqual([]);
  });

  it('STATUS answers 50 until the agent is ready, then succeeds', async () => {
    await cp.apiserver.stop();
    // The agent comes back while the API server is away: it serves the socket, but is not ready.
    const restarting = node.agent.service.restart();
    try {
      await waitFor(
        'STATUS 50 from the agent itself',
        async () => {
          const a = await node.driver.call('status', {});
          return a.code === 50 && /the Plexus agent is not ready/.test(a.error ?? '')
            ? a
            : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
    } finally {
      await cp.apiserver.start();
    }
    await restarting;
    await expect(node.driver.status()).resolves.toMatchObject({ ok: true });
  });

  it('DEL works from the cache while the API server is stopped', async () => {
    const p = await pod('del-no-api', 'macvlan-a, macvlan-b');
    await node.driver.add(p.attachment);
    expect(allLeases()).toHaveLength(3);
    await cp.apiserver.stop();
    try {
      await node.driver.del(p.attachment);
      expect((await podLinks(p.netns.ns)).map((l) => l.ifname)).toEqual(['lo']);
      expect(allLeases()).toEqual([]);
      await node.driver.del(p.attachment);
    } finally {
      await cp.apiserver.start();
    }
    // The status write waited for the API server, and lands once it is back.
    await waitFor(
      'network-status cleared after the API server returned',
      async () => ((await podAnnotations(info, p.obj))[STATUS] === undefined ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  });

  it('an ADD during which the API server dies completes the pod; its network-status lands later', async () => {
    const p = await pod('api-dies', 'macvlan-a, slow');
    const adding = node.driver.call('add', p.attachment);
    // The slow plugin holds the ADD for 3 s after the pod and NADs were read.
    await new Promise((r) => setTimeout(r, 1000));
    await cp.apiserver.kill();
    const answer = await adding;
    try {
      // Complete or nothing: here complete, with every interface.
      expect(answer).toMatchObject({ ok: true });
      expect((await podLinks(p.netns.ns)).map((l) => l.ifname).sort()).toEqual([
        'eth0',
        'lo',
        'net1',
        'net2',
      ]);
    } finally {
      await cp.apiserver.start();
    }
    const status = await waitFor(
      'network-status written after the API server returned',
      async () => (await podAnnotations(info, p.obj))[STATUS],
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect((JSON.parse(status) as { interface: string }[]).map((s) => s.interface)).toEqual([
      'eth0',
      'net1',
      'net2',
    ]);
    await node.driver.del(p.attachment);
    expect(allLeases()).toEqual([]);
  });

  it('DEL still cleans up after the agent restarts between ADD and DEL', async () => {
    const p = await pod('restart', 'macvlan-a, macvlan-b');
    await node.driver.add(p.attachment);
    await node.agent.service.restart();
    await node.driver.del(p.attachment);
    expect((await podLinks(p.netns.ns)).map((l) => l.ifname)).toEqual(['lo']);
    expect(allLeases()).toEqual([]);
  });

  it('GC releases what an ADD left when the agent was killed halfway', async () => {
    const p = await pod('crashed-add', 'macvlan-a, slow');
    const adding = node.driver.call('add', p.attachment);
    // eth0, net1 and the slow network's macvlan hold addresses; then the slow plugin waits.
    await waitFor('three leases', async () => (allLeases().length === 3 ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    await node.agent.service.kill();
    const answer = await adding;
    expect(answer).toMatchObject({ ok: false, code: 11 });
    await node.agent.service.start();
    expect(allLeases()).toHaveLength(3);
    const records = readdirSync(join(node.agent.stateDir, 'attachments'));
    expect(records).toEqual([`${p.attachment.containerId}_eth0.json`]);
    // The runtime's GC: this container is not among the valid attachments.
    await node.driver.gc([]);
    expect(allLeases()).toEqual([]);
    expect((await podLinks(p.netns.ns)).map((l) => l.ifname)).toEqual(['lo']);
    expect(existsSync(join(node.agent.stateDir, 'attachments', records[0] as string))).toBe(false);
  });

  it('GC keeps the attachments the runtime lists as valid', async () => {
    const p = await pod('valid', 'macvlan-a');
    await node.driver.add(p.attachment);
    await node.driver.gc([{ containerID: p.attachment.containerId, ifname: 'eth0' }]);
    expect(allLeases()).toHaveLength(2);
    await node.driver.del(p.attachment);
    expect(allLeases()).toEqual([]);
  });
});
