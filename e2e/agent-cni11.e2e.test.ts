// The node agent with the current CNI reference plugins (v1.9.1 from the Go module proxy,
// CNI 1.1): a cluster network of cniVersion 1.1.0 gets STATUS and GC through libcni and the
// agent, delegates speak 1.1.0 where Debian's plugins would get 1.0.0, and GC frees stale
// attachments itself, since these plugins' own GC is still a no-op.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlane, skipReason, testRun } from './context.ts';
import {
  applyNad,
  createPodObject,
  ensureNamespace,
  leases,
  macvlanConfig,
  podSandbox,
  startAgentNode,
} from './agent-harness.ts';
import type { AgentNode } from './agent-harness.ts';
import { resolveCniPlugins } from '../devcluster/go-builds.ts';
import { createFabric, DEFAULT_NETWORK_FILE, defaultNetworkConfList } from '../devcluster/hosts.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import type { Run } from '../devcluster/run.ts';

describe.skipIf(skipReason() !== null)(
  'node agent with the v1.9.1 reference plugins (CNI 1.1)',
  () => {
    let cp: ControlPlaneInfo;
    let run: Run;
    let node: AgentNode;
    let ns: string;
    let ipamDir: string;

    beforeAll(async () => {
      cp = controlPlane();
      run = testRun();
      const plugins = await resolveCniPlugins();
      const fabric = await createFabric(run);
      // The cluster network file must be there before the agent starts: write it from a host
      // made without one (the agent waits for it otherwise).
      node = await startAgentNode(run, cp, {
        fabric,
        hostOptions: { pluginDir: plugins.dir, defaultNetwork: false },
        beforeAgent: (host) => {
          const list = { ...defaultNetworkConfList(host), cniVersion: '1.1.0' };
          writeFileSync(join(host.cniConfDir, DEFAULT_NETWORK_FILE), `${JSON.stringify(list)}\n`);
        },
      });
      ns = `cni11-${run.tag}`;
      await ensureNamespace(cp, ns);
      ipamDir = join(node.host.stateDir, 'ipam-nads');
      await applyNad(cp, ns, 'macvlan-a', {
        ...macvlanConfig('macvlan-a', '192.168.130.0/24', ipamDir),
        cniVersion: '1.1.0',
      });
    });
    afterAll(() => run?.close());

    it('answers STATUS through libcni, asking the cluster network’s plugins', async () => {
      await expect(node.driver.status()).resolves.toMatchObject({ ok: true });
    });

    it('adds a pod with CNI 1.1 results, keeps it through a GC that lists it, frees it on one that does not', async () => {
      const obj = await createPodObject(cp, {
        name: 'web',
        namespace: ns,
        node: node.host.name,
        annotations: { 'k8s.v1.cni.cncf.io/networks': 'macvlan-a' },
      });
      const { attachment } = await podSandbox(run, node, obj);
      const added = await node.driver.add(attachment);
      expect(added.result?.cniVersion).toBe('1.1.0');
      const all = (): string[] => [...leases(ipamDir), ...leases(join(node.host.stateDir, 'ipam'))];
      expect(all()).toHaveLength(2);
      await node.driver.gc([{ containerID: attachment.containerId, ifname: 'eth0' }]);
      expect(all()).toHaveLength(2);
      // libcni first DELs what its own cache holds, then the agent frees what its cache holds.
      await node.driver.gc([]);
      expect(all()).toEqual([]);
      await expect(node.driver.del(attachment)).resolves.toMatchObject({ ok: true });
    });
  },
);
