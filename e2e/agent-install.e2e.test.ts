// Installing and removing the node agent: the node's CNI config is written only once the agent
// can serve pods, follows the NodeNetworkConfig's options, survives a restart, and goes on
// uninstall (`plexus agent --uninstall`, or a SIGTERM while the agent's DaemonSet is being
// deleted), so the runtime never keeps a config that points at nothing. The agent runs with the
// RBAC of manifests/base/agent-rbac.yaml and is refused anything beyond it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlane, skipReason, testRun } from './context.ts';
import {
  applyNad,
  applyObject,
  createPodObject,
  ensureNamespace,
  macvlanConfig,
  podSandbox,
  startAgentNode,
} from './agent-harness.ts';
import type { AgentNode } from './agent-harness.ts';
import { renderMetaConfig } from '../api/cni/index.ts';
import { agentCredentials, PLEXUS_CLI, writeTokenKubeconfig } from '../devcluster/agents.ts';
import { createFabric, DEFAULT_NETWORK_FILE, defaultNetworkConfList } from '../devcluster/hosts.ts';
import { kubectl, kubectlJson } from '../devcluster/kube.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import { run as runCommand, waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';

const DAEMONSET = fileURLToPath(new URL('../manifests/base/agent-daemonset.yaml', import.meta.url));

describe.skipIf(skipReason() !== null)('node agent install and uninstall', () => {
  let cp: ControlPlaneInfo;
  let run: Run;
  let node: AgentNode;
  let conflist: string;

  beforeAll(async () => {
    cp = controlPlane();
    run = testRun();
    const fabric = await createFabric(run);
    node = await startAgentNode(run, cp, {
      fabric,
      hostOptions: { defaultNetwork: false },
      waitReady: false,
      agentArgs: ['--owner-daemonset=plexus-system/plexus-agent'],
    });
    conflist = join(node.host.cniConfDir, '00-plexus.conflist');
  });
  afterAll(async () => {
    await kubectl(cp, [
      'delete',
      'daemonset',
      'plexus-agent',
      '-n',
      'plexus-system',
      '--ignore-not-found',
    ]);
    await run?.close();
  });

  const uninstall = () =>
    runCommand(
      process.execPath,
      [
        PLEXUS_CLI,
        'agent',
        '--uninstall',
        `--cni-conf-dir=${node.host.cniConfDir}`,
        `--cni-bin-dir=${node.host.cniBinDir}`,
        `--state-dir=${node.agent.stateDir}`,
      ],
      { allowFail: true },
    );

  it('writes no config and is not ready while the node has no cluster network', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    expect(existsSync(conflist)).toBe(false);
    const ready = await node.agent.get('/readyz?verbose');
    expect(ready.status).toBe(500);
    expect(ready.body).toMatch(/no cluster network config/);
  });

  it('writes 00-plexus.conflist once the cluster network appears', async () => {
    writeFileSync(
      join(node.host.cniConfDir, DEFAULT_NETWORK_FILE),
      `${JSON.stringify(defaultNetworkConfList(node.host))}\n`,
    );
    await node.agent.waitReady(20_000);
    const list = JSON.parse(readFileSync(conflist, 'utf8'));
    expect(list.plugins[0]).toMatchObject({
      type: 'plexus',
      namespaceIsolation: false,
      globalNamespaces: ['default'],
    });
  });

  it('takes the cluster-wide options from its NodeNetworkConfig and reports its state there', async () => {
    const ns = `install-${run.tag}`;
    const elsewhere = `elsewhere-${run.tag}`;
    await ensureNamespace(cp, ns);
    await ensureNamespace(cp, elsewhere);
    await applyObject(cp, {
      apiVersion: 'plexus.dev/v1alpha1',
      kind: 'NodeNetworkConfig',
      metadata: { name: node.host.name },
      spec: {
        cniConfig: renderMetaConfig({ namespaceIsolation: true, globalNamespaces: ['default'] }),
      },
    });
    await waitFor(
      'isolation in the node conflist',
      async () =>
        JSON.parse(readFileSync(conflist, 'utf8')).plugins[0].namespaceIsolation === true
          ? true
          : undefined,
      { timeoutMs: 20_000 },
    );
    const nnc = await waitFor(
      'NodeNetworkConfig status',
      async () => {
        const o = (await kubectlJson(cp, ['get', 'nodenetworkconfig', node.host.name])) as {
          metadata: { generation: number };
          status?: {
            observedGeneration?: number;
            conditions?: { type: string; status: string; reason: string }[];
          };
        };
        return o.status?.observedGeneration === o.metadata.generation ? o : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(nnc.status?.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'True', reason: 'ConfigWritten' }),
    ]);
    // Isolation now applies: a NAD of another (non-global) namespace is refused.
    await applyNad(
      cp,
      elsewhere,
      'macvlan-x',
      macvlanConfig('macvlan-x', '192.168.140.0/24', join(node.host.stateDir, 'ipam-x')),
    );
    const pod = await createPodObject(cp, {
      name: 'isolated',
      namespace: ns,
      node: node.host.name,
      annotations: { 'k8s.v1.cni.cncf.io/networks': `${elsewhere}/macvlan-x` },
    });
    const { attachment } = await podSandbox(run, node, pod);
    await expect(node.driver.add(attachment)).rejects.toThrow(/namespace isolation/);
  });

  it('keeps the config over a restart; --uninstall removes it, and the shim once no pod is attached', async () => {
    const ns = `install-${run.tag}`;
    await applyNad(
      cp,
      ns,
      'macvlan-a',
      macvlanConfig('macvlan-a', '192.168.141.0/24', join(node.host.stateDir, 'ipam-a')),
    );
    const pod = await createPodObject(cp, {
      name: 'attached',
      namespace: ns,
      node: node.host.name,
      annotations: { 'k8s.v1.cni.cncf.io/networks': 'macvlan-a' },
    });
    const { attachment } = await podSandbox(run, node, pod);
    await node.driver.add(attachment);
    await node.agent.service.stop();
    expect(existsSync(conflist)).toBe(true);

    const first = await uninstall();
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(
      new RegExp(`1 pod\\(s\\) still attached through Plexus \\(${ns}/attached\\)`),
    );
    expect(existsSync(conflist)).toBe(false);
    expect(existsSync(join(node.host.cniBinDir, 'plexus'))).toBe(true);

    // This agent was started without waiting for /readyz: wait for its config before the DEL.
    await node.agent.service.start();
    await node.agent.waitReady(20_000);
    await node.driver.del(attachment);
    await node.agent.service.stop();
    const second = await uninstall();
    expect(second.code, second.stderr).toBe(0);
    expect(existsSync(conflist)).toBe(false);
    for (const shim of ['plexus', 'plexus-overlay', 'veth-to-host'])
      expect(existsSync(join(node.host.cniBinDir, shim))).toBe(false);
    await node.agent.service.start();
  });

  it('keeps the config on SIGTERM while its DaemonSet exists, removes it when the DaemonSet is deleted', async () => {
    await kubectl(cp, ['apply', '--server-side', '-f', DAEMONSET]);
    // The agent checks at start that its DaemonSet exists (a missing one is a typo, not an uninstall).
    await node.agent.service.restart();
    await node.agent.waitReady(20_000);
    expect(existsSync(conflist)).toBe(true);
    await node.agent.service.stop();
    expect(existsSync(conflist)).toBe(true);
    await node.agent.service.start();
    await node.agent.waitReady(20_000);
    await kubectl(cp, [
      'delete',
      'daemonset',
      'plexus-agent',
      '-n',
      'plexus-system',
      '--wait=false',
    ]);
    await node.agent.service.stop();
    expect(existsSync(conflist)).toBe(false);
  });

  it('has exactly the rights of its RBAC and is refused the rest', async () => {
    const token = await agentCredentials(cp);
    const kubeconfig = join(node.host.dir, 'agent-root.kubeconfig');
    writeTokenKubeconfig(kubeconfig, cp.server, cp.caCert, token);
    const can = async (...args: string[]): Promise<string> => {
      const res = await runCommand(
        cp.kubectlBin,
        [`--kubeconfig=${kubeconfig}`, 'auth', 'can-i', ...args],
        {
          allowFail: true,
          env: { ...process.env, HOME: cp.dir },
        },
      );
      return res.stdout.trim();
    };
    expect(await can('watch', 'pods', '-A')).toBe('yes');
    expect(await can('patch', 'pods', '--subresource=status', '-n', 'default')).toBe('yes');
    expect(await can('list', 'network-attachment-definitions.k8s.cni.cncf.io', '-A')).toBe('yes');
    expect(await can('patch', 'nodenetworkconfigs.plexus.dev', '--subresource=status')).toBe('yes');
    expect(await can('create', 'events.events.k8s.io', '-n', 'default')).toBe('yes');
    expect(await can('get', 'daemonsets/plexus-agent', '-n', 'plexus-system')).toBe('yes');
    // Beyond: the spec of pods, other objects, writing NADs or NodeNetworkConfig specs, secrets.
    expect(await can('patch', 'pods', '-n', 'default')).toBe('no');
    expect(await can('create', 'pods', '-n', 'default')).toBe('no');
    expect(await can('delete', 'pods', '-n', 'default')).toBe('no');
    expect(
      await can('update', 'network-attachment-definitions.k8s.cni.cncf.io', '-n', 'default'),
    ).toBe('no');
    expect(await can('patch', 'nodenetworkconfigs.plexus.dev')).toBe('no');
    expect(await can('get', 'secrets', '-A')).toBe('no');
    expect(await can('get', 'daemonsets/other', '-n', 'plexus-system')).toBe('no');
    expect(await can('list', 'nodes')).toBe('no');
  });
});
