// What `plexus dev` runs for the node side: an agent and a libcni runtime on every simulated
// host (devcluster/dev-pods.ts), pods with several interfaces started on them as a runtime
// starts them, and a summary of each pod's interfaces from its network-status.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlane, skipReason, testRun } from './context.ts';
import { applyNad, ensureNamespace, macvlanConfig } from './agent-harness.ts';
import { podNetworkSummary, startDevPod, startNodeAgents } from '../devcluster/dev-pods.ts';
import type { DevNode, DevPod } from '../devcluster/dev-pods.ts';
import { createFabric, createHost } from '../devcluster/hosts.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import { waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';

describe.skipIf(skipReason() !== null)('dev cluster: node agents and multi-interface pods', () => {
  let cp: ControlPlaneInfo;
  let run: Run;
  let nodes: DevNode[];
  let ns: string;

  beforeAll(async () => {
    cp = controlPlane();
    run = testRun();
    const fabric = await createFabric(run);
    const hosts = await Promise.all(
      [1, 2].map((index) =>
        createHost(run, fabric, { name: `dev${index}-${run.tag}`, index, controlPlane: cp }),
      ),
    );
    nodes = await startNodeAgents(run, hosts, cp);
    ns = `dev-${run.tag}`;
    await ensureNamespace(cp, ns);
  });
  afterAll(() => run?.close());

  it('starts a pod with two interfaces on each node and summarizes their network-status', async () => {
    // One macvlan network per node: host-local keeps its leases per host.
    for (const n of nodes)
      await applyNad(
        cp,
        ns,
        `mv-${n.host.name}`,
        macvlanConfig(
          `mv-${n.host.name}`,
          `192.168.${160 + n.host.index}.0/24`,
          join(n.host.stateDir, 'ipam-nads'),
        ),
      );
    const pods: DevPod[] = [];
    for (const n of nodes)
      pods.push(
        await startDevPod(run, n, cp, {
          name: `web-${n.host.index}`,
          namespace: ns,
          networks: `mv-${n.host.name}`,
        }),
      );
    const lines = await waitFor(
      'both pods in the summary',
      async () => {
        const l = (await podNetworkSummary(cp)).filter((x) => x.startsWith(`${ns}/`));
        return l.length === 2 ? l : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(lines[0]).toMatch(
      new RegExp(
        `^${ns}/web-1 \\(dev1-.*\\): eth0 10\\.244\\.1\\.\\d+ default, net1 192\\.168\\.161\\.\\d+ ${ns}/mv-dev1-`,
      ),
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^${ns}/web-2 \\(dev2-.*\\): eth0 10\\.244\\.2\\.\\d+ default, net1 192\\.168\\.162\\.\\d+ ${ns}/mv-dev2-`,
      ),
    );
    for (const p of pods) await p.remove();
  });
});
