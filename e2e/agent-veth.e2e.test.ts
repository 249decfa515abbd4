// A pod whose attachment chains veth-to-host after macvlan (seed 004), served by the agent:
// the chained plugin runs in-process through the agent's plugin registry, the pod gets its
// veth to the node, its route to the node goes through it, and DEL removes it all.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlane, skipReason, testRun } from './context.ts';
import {
  applyNad,
  createPodObject,
  ensureNamespace,
  leases,
  podLinks,
  podSandbox,
  startAgentNode,
} from './agent-harness.ts';
import type { AgentNode } from './agent-harness.ts';
import * as vethToHost from '../node-plugin/veth-to-host/index.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import { ipJson } from '../devcluster/netns.ts';
import type { Run } from '../devcluster/run.ts';

/** Until the veth-to-host module lands, node-plugin/veth-to-host is a placeholder that fails every verb. */
const moduleMissing = !('VETH_TO_HOST_TYPE' in vethToHost)
  ? 'the veth-to-host module is not in this tree yet (node-plugin/veth-to-host is the placeholder)'
  : null;

describe.skipIf(skipReason() !== null || moduleMissing !== null)(
  'node agent: a pod chained with veth-to-host',
  () => {
    let cp: ControlPlaneInfo;
    let run: Run;
    let node: AgentNode;
    let ns: string;

    beforeAll(async () => {
      cp = controlPlane();
      run = testRun();
      node = await startAgentNode(run, cp);
      ns = `veth-${run.tag}`;
      await ensureNamespace(cp, ns);
    });
    afterAll(() => run?.close());

    it('gets macvlan plus a veth to the node, routes the node through it, and DEL removes both', async () => {
      const ipamDir = join(node.host.stateDir, 'ipam-nads');
      await applyNad(cp, ns, 'underlay', {
        cniVersion: '1.0.0',
        name: 'underlay',
        plugins: [
          {
            type: 'macvlan',
            master: 'eth0',
            mode: 'bridge',
            ipam: {
              type: 'host-local',
              dataDir: ipamDir,
              ranges: [
                [
                  {
                    subnet: '192.168.64.0/24',
                    rangeStart: '192.168.64.100',
                    rangeEnd: '192.168.64.150',
                  },
                ],
              ],
            },
          },
          {
            type: 'veth-to-host',
            hostInterface: 'eth0',
            serviceCidr: '10.96.0.0/12',
            clusterCidr: '10.244.0.0/16',
          },
        ],
      });
      const pod = await createPodObject(cp, {
        name: 'chained',
        namespace: ns,
        node: node.host.name,
        annotations: { 'k8s.v1.cni.cncf.io/networks': 'underlay' },
      });
      const { netns, attachment } = await podSandbox(run, node, pod);
      await node.driver.add(attachment);
      const links = (await podLinks(netns.ns)).map((l) => l.ifname).sort();
      expect(links).toHaveLength(4); // lo, eth0, net1 and the veth
      const veth = links.find((l) => !['lo', 'eth0', 'net1'].includes(l)) as string;
      const route = (await ipJson(netns.ns, ['route', 'get', node.host.ip])) as { dev: string }[];
      expect(route[0]?.dev).toBe(veth);
      const hostVeths = (
        (await ipJson(node.host.ns, ['link', 'show'])) as { ifname: string }[]
      ).filter((l) => /^v2h[0-9a-f]{12}$/.test(l.ifname));
      expect(hostVeths).toHaveLength(1);

      await node.driver.del(attachment);
      expect((await podLinks(netns.ns)).map((l) => l.ifname)).toEqual(['lo']);
      expect(
        ((await ipJson(node.host.ns, ['link', 'show'])) as { ifname: string }[]).filter((l) =>
          /^v2h/.test(l.ifname),
        ),
      ).toEqual([]);
      expect(leases(ipamDir)).toEqual([]);
    });
  },
);
