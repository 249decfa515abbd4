// veth-to-host on simulated nodes (seed 004): a macvlan pod cannot reach its
// own node (macvlan isolates the parent) nor, therefore, a Service the node
// DNATs; chained with veth-to-host it reaches both, and the node reaches it.
// The chain runs exactly as a runtime runs it: the real macvlan and host-local
// from /usr/lib/cni, then veth-to-host through a plugin binary around the
// module (fixtures/veth-to-host-plugin.ts), in the node's namespace. kube-proxy
// is stood in for by DNAT rules in the node's nat table.
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipReason, testRun } from './context.ts';
import {
  addNetworkList,
  checkNetworkList,
  CniError,
  delNetworkList,
  execPlugin,
  pluginConfig,
} from '../devcluster/cni-exec.ts';
import type { ConfList, ExecContext, RuntimeConf } from '../devcluster/cni-exec.ts';
import { createFabric, createHost } from '../devcluster/hosts.ts';
import type { Host } from '../devcluster/hosts.ts';
import { deleteNetns, ipBatch, ipJson, nsExec, ping } from '../devcluster/netns.ts';
import { attach, createPod, hostExecContext, resultIPv4 } from '../devcluster/pods.ts';
import type { Pod } from '../devcluster/pods.ts';
import { startDaemon, waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const SERVICE_CIDR = '10.96.0.0/12';
const CLUSTER_CIDR = '10.244.0.0/16';
/** Service IPs the node DNATs: to a server on the node, on another node, in a cluster pod. */
const SVC = { node: '10.96.0.10', remote: '10.96.0.11', clusterPod: '10.96.0.12' };
const HOST_VETH = /^v2h[0-9a-f]{12}$/;

/** IPv6 link-local routes, which the kernel adds to an interface a moment after it comes up. */
function notLinkLocal(routes: unknown): unknown {
  return (routes as { dst?: string }[]).filter((r) => !r.dst?.startsWith('fe80:'));
}

/** A namespace as the tests compare it: links, routes, permanent neighbours, rules, iptables. */
async function snapshot(ns: string): Promise<Record<string, unknown>> {
  const links = (await ipJson(ns, ['-details', 'link', 'show'])) as {
    ifname: string;
    linkinfo?: { info_kind?: string };
  }[];
  const iptables = await nsExec(ns, 'iptables-save', []);
  return {
    links: links.map((l) => `${l.ifname}:${l.linkinfo?.info_kind ?? ''}`).sort(),
    routes4: await ipJson(ns, ['-4', 'route', 'show', 'table', 'all']),
    routes6: notLinkLocal(await ipJson(ns, ['-6', 'route', 'show', 'table', 'all'])),
    neighbours: await ipJson(ns, ['neigh', 'show', 'nud', 'permanent']),
    rules: await ipJson(ns, ['rule', 'show']),
    iptables: iptables.stdout
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .map((l) => l.replace(/\[\d+:\d+\]/g, '[0:0]'))
      .join('\n'),
  };
}

async function curl(ns: string, url: string): Promise<string> {
  const r = await nsExec(ns, 'curl', ['-s', '-S', '--max-time', '5', url], { allowFail: true });
  return r.code === 0 ? r.stdout : `curl exit ${r.code}: ${r.stderr.trim()}`;
}

function writeExecutable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

describe.skipIf(skipReason() !== null)('veth-to-host (chained after macvlan)', () => {
  let run: Run;
  let node: Host;
  let remote: Host;
  let backend: Pod;
  /** Where the plugin keeps its state on `node`. */
  let stateDir: string;
  /** A bin dir whose veth-to-host finds an iptables-restore that fails (see the failure test). */
  let faultyBinDir: string;

  /** Runs http-reply.ts inside ns and waits until it listens. */
  async function serve(ns: string, name: string, bind = '0.0.0.0'): Promise<void> {
    const ready = join(run.dir, `${name}.ready`);
    const d = startDaemon({
      name,
      cmd: 'ip',
      args: [
        'netns',
        'exec',
        ns,
        process.execPath,
        join(FIXTURES, 'http-reply.ts'),
        bind,
        '8080',
        name,
        ready,
      ],
      logFile: join(run.dir, `${name}.log`),
    });
    run.onClose(name, () => d.stop());
    await waitFor(`${name} to listen`, async () => (existsSync(ready) ? true : undefined), {
      timeoutMs: 15_000,
      abort: () => (d.isRunning() ? undefined : `exited: ${d.logTail()}`),
    });
  }

  /** The plugin binary on a bin dir: the fixture, with the state dir and an optional PATH head. */
  function installPlugin(binDir: string, pathHead?: string): void {
    const path = pathHead === undefined ? '' : `PATH='${pathHead}':"$PATH" `;
    writeExecutable(
      join(binDir, 'veth-to-host'),
      `#!/bin/sh\n${path}PLEXUS_VETH_STATE_DIR='${stateDir}' exec '${process.execPath}' '${join(FIXTURES, 'veth-to-host-plugin.ts')}'\n`,
    );
  }

  beforeAll(async () => {
    run = testRun();
    const fabric = await createFabric(run);
    node = await createHost(run, fabric, { name: `v2h-${run.tag}`, index: 1 });
    remote = await createHost(run, fabric, { name: `v2h-r-${run.tag}`, index: 2 });
    stateDir = join(node.stateDir, 'plexus');
    installPlugin(node.cniBinDir);
    const faults = join(run.dir, 'faults');
    faultyBinDir = join(run.dir, 'faulty-bin');
    mkdirSync(faults, { recursive: true });
    mkdirSync(faultyBinDir, { recursive: true });
    for (const tool of ['iptables-restore', 'ip6tables-restore'])
      writeExecutable(
        join(faults, tool),
        `#!/bin/sh\necho "${tool}: injected failure" >&2\nexit 4\n`,
      );
    installPlugin(faultyBinDir, faults);

    // The Services' backends: on the node, on the other node, in a pod of the cluster network.
    backend = await createPod(run, node, { name: 'backend' });
    const backendIp = resultIPv4(await attach(backend));
    await serve(node.ns, 'node', node.ip);
    await serve(remote.ns, 'remote', remote.ip);
    await serve(backend.ns, 'cluster-pod');
    // kube-proxy's part, in a chain of the test's own.
    await nsExec(node.ns, 'iptables-restore', ['--noflush'], {
      input: [
        '*nat',
        ':TEST-SERVICES - [0:0]',
        '-A PREROUTING -j TEST-SERVICES',
        `-A TEST-SERVICES -d ${SVC.node}/32 -p tcp --dport 80 -j DNAT --to-destination ${node.ip}:8080`,
        `-A TEST-SERVICES -d ${SVC.remote}/32 -p tcp --dport 80 -j DNAT --to-destination ${remote.ip}:8080`,
        `-A TEST-SERVICES -d ${SVC.clusterPod}/32 -p tcp --dport 80 -j DNAT --to-destination ${backendIp}:8080`,
        'COMMIT',
        '',
      ].join('\n'),
    });
  });
  afterAll(() => run?.close());

  function macvlan(routes: { dst: string }[] = []): Record<string, unknown> {
    return {
      type: 'macvlan',
      master: 'eth0',
      mode: 'bridge',
      ipam: {
        type: 'host-local',
        dataDir: join(node.stateDir, 'ipam'),
        ranges: [
          [
            {
              subnet: '192.168.64.0/24',
              rangeStart: '192.168.64.100',
              rangeEnd: '192.168.64.150',
              gateway: '192.168.64.1',
            },
          ],
        ],
        routes,
      },
    };
  }

  /** The seed's chain: macvlan, then veth-to-host with the cluster's CIDRs. */
  function chain(extra: Record<string, unknown> = {}, routes: { dst: string }[] = []): ConfList {
    return {
      cniVersion: '1.0.0',
      name: 'underlay',
      plugins: [
        macvlan(routes),
        {
          type: 'veth-to-host',
          hostInterface: 'eth0',
          serviceCidr: SERVICE_CIDR,
          clusterCidr: CLUSTER_CIDR,
          ipMasq: true,
          ...extra,
        },
      ],
    };
  }

  function rt(pod: Pod): RuntimeConf {
    return {
      containerId: pod.containerId,
      netns: pod.netnsPath,
      ifName: 'net1',
      args: { IgnoreUnknown: 'true', K8S_POD_NAMESPACE: 'default', K8S_POD_NAME: pod.name },
    };
  }

  const ctx = (): ExecContext => hostExecContext(node);
  const stateFiles = (): string[] => {
    const dir = join(stateDir, 'veth-to-host');
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  it('without it, the macvlan pod reaches neither its node nor a Service (the problem)', async () => {
    const pod = await createPod(run, node, { name: 'macvlan-only' });
    const list: ConfList = { cniVersion: '1.0.0', name: 'underlay', plugins: [macvlan()] };
    await addNetworkList(list, rt(pod), ctx());
    expect(await ping(pod.ns, remote.ip)).toBe(true);
    expect(await ping(pod.ns, node.ip, { count: 1, deadlineSeconds: 2 })).toBe(false);
    expect(await curl(pod.ns, `http://${SVC.node}/`)).toMatch(/^curl exit/);
    await delNetworkList(list, rt(pod), ctx());
  });

  describe('a pod on the chain', () => {
    let pod: Pod;
    let result: Record<string, unknown>;
    let before: { node: Record<string, unknown>; pod: Record<string, unknown> };
    let podIp: string;

    beforeAll(async () => {
      pod = await createPod(run, node, { name: 'underlay' });
      before = { node: await snapshot(node.ns), pod: await snapshot(pod.ns) };
      result = (await addNetworkList(chain(), rt(pod), ctx())) as Record<string, unknown>;
      podIp = resultIPv4(result) ?? '';
    });

    it('returns the macvlan result with both veth ends added', () => {
      const interfaces = result.interfaces as { name: string; mac: string; sandbox?: string }[];
      expect(interfaces).toHaveLength(3);
      expect(interfaces[0]?.name).toBe('net1');
      expect(interfaces[1]?.name).toMatch(HOST_VETH);
      expect(interfaces[1]?.sandbox).toBeUndefined();
      expect(interfaces[2]).toMatchObject({ name: 'v2h-net1', sandbox: pod.netnsPath });
      expect(result.ips).toEqual([
        { interface: 0, address: `${podIp}/24`, gateway: '192.168.64.1' },
      ]);
      expect(podIp).toMatch(/^192\.168\.64\.1\d\d$/);
    });

    it('reaches Services the node DNATs: to the node, to another node, to a cluster pod', async () => {
      // The node's own server sees the pod's address: nothing needed translating.
      expect(await curl(pod.ns, `http://${SVC.node}/`)).toBe(`node saw ${podIp}`);
      // Masqueraded, so the other node answers the node, which undoes the DNAT.
      expect(await curl(pod.ns, `http://${SVC.remote}/`)).toBe(`remote saw ${node.ip}`);
      expect(await curl(pod.ns, `http://${SVC.clusterPod}/`)).toBe(
        `cluster-pod saw ${node.podGateway}`,
      );
      // The cluster network itself, through the node.
      expect(await ping(pod.ns, node.podGateway)).toBe(true);
    });

    it('reaches its node, and the node reaches it (ping and TCP)', async () => {
      expect(await ping(pod.ns, node.ip)).toBe(true);
      expect(await ping(node.ns, podIp)).toBe(true);
      await serve(pod.ns, 'underlay-pod');
      expect(await curl(node.ns, `http://${podIp}:8080/`)).toBe(`underlay-pod saw ${node.ip}`);
      // Other nodes still reach it straight over the underlay.
      expect(await curl(remote.ns, `http://${podIp}:8080/`)).toBe(`underlay-pod saw ${remote.ip}`);
    });

    it('adds no policy rule: the pod reaches the node through a permanent neighbour', async () => {
      const now = await snapshot(node.ns);
      expect(now.rules).toEqual(before.node.rules);
      const neigh = (await ipJson(pod.ns, ['neigh', 'show', 'dev', 'v2h-net1'])) as {
        dst: string;
        state: string[];
      }[];
      expect(neigh).toEqual([expect.objectContaining({ dst: node.ip, state: ['PERMANENT'] })]);
    });

    it('passes CHECK, and CHECK names what went missing', async () => {
      await checkNetworkList(chain(), rt(pod), ctx());
      await ipBatch(pod.ns, [`route del ${SERVICE_CIDR} dev v2h-net1`]);
      const err = await checkNetworkList(chain(), rt(pod), ctx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CniError);
      expect(err).toMatchObject({ plugin: 'veth-to-host', code: 101 });
      expect((err as CniError).msg).toBe(
        `veth-to-host CHECK: the pod has no route ${SERVICE_CIDR} via ${node.ip} dev v2h-net1`,
      );
      await ipBatch(pod.ns, [`route add ${SERVICE_CIDR} via ${node.ip} dev v2h-net1 src ${podIp}`]);
      await checkNetworkList(chain(), rt(pod), ctx());
    });

    it('DEL removes everything it added, on the node and in the pod; DEL twice succeeds', async () => {
      expect(stateFiles()).toHaveLength(1);
      await delNetworkList(chain(), rt(pod), ctx());
      expect(await snapshot(node.ns)).toEqual(before.node);
      expect(await snapshot(pod.ns)).toEqual(before.pod);
      expect(stateFiles()).toEqual([]);
      await delNetworkList(chain(), rt(pod), ctx(), result);
      expect(await snapshot(node.ns)).toEqual(before.node);
    });
  });

  it('routeToHost moves the pod’s default route onto the veth; DEL puts it back', async () => {
    const pod = await createPod(run, node, { name: 'route-to-host' });
    const list = chain({ routeToHost: true }, [{ dst: '0.0.0.0/0' }]);
    const prev = await execPlugin('ADD', pluginConfig(list, 0, undefined), rt(pod), ctx());
    const routesBefore = await ipJson(pod.ns, ['route', 'show']);
    const result = await execPlugin('ADD', pluginConfig(list, 1, prev), rt(pod), ctx());
    expect(await ipJson(pod.ns, ['route', 'show', 'default'])).toEqual([
      expect.objectContaining({ gateway: node.ip, dev: 'v2h-net1' }),
    ]);
    expect((result as { routes: unknown }).routes).toEqual([{ dst: '0.0.0.0/0', gw: node.ip }]);
    await execPlugin('CHECK', pluginConfig(list, 1, result), rt(pod), ctx());
    await execPlugin('DEL', pluginConfig(list, 1, result), rt(pod), ctx());
    expect(await ipJson(pod.ns, ['route', 'show'])).toEqual(routesBefore);
    await execPlugin('DEL', pluginConfig(list, 0, prev), rt(pod), ctx());
  });

  it('DEL after the pod’s namespace is gone succeeds and leaves nothing', async () => {
    const pod = await createPod(run, node, { name: 'gone' });
    const before = await snapshot(node.ns);
    const result = await addNetworkList(chain(), rt(pod), ctx());
    expect((await snapshot(node.ns)).iptables).not.toEqual(before.iptables);
    await deleteNetns(pod.ns);
    await delNetworkList(chain(), rt(pod), ctx(), result);
    await delNetworkList(chain(), rt(pod), ctx(), result);
    expect(await snapshot(node.ns)).toEqual(before);
    expect(stateFiles()).toEqual([]);
  });

  it('DEL without its state file still removes everything, from the derived names', async () => {
    const pod = await createPod(run, node, { name: 'stateless' });
    const before = await snapshot(node.ns);
    await addNetworkList(chain(), rt(pod), ctx());
    expect((await snapshot(node.ns)).iptables).not.toEqual(before.iptables);
    rmSync(join(stateDir, 'veth-to-host'), { recursive: true, force: true });
    await delNetworkList(chain(), rt(pod), ctx());
    expect(await snapshot(node.ns)).toEqual(before);
  });

  describe('a failure mid-ADD leaves nothing behind', () => {
    /** macvlan ADD alone, then veth-to-host's ADD, which must fail; returns its error. */
    async function failingAdd(pod: Pod, list: ConfList, c: ExecContext): Promise<CniError> {
      const prev = await execPlugin('ADD', pluginConfig(list, 0, undefined), rt(pod), ctx());
      const before = { node: await snapshot(node.ns), pod: await snapshot(pod.ns) };
      const err = await execPlugin('ADD', pluginConfig(list, 1, prev), rt(pod), c).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CniError);
      expect(await snapshot(node.ns)).toEqual(before.node);
      expect(await snapshot(pod.ns)).toEqual(before.pod);
      expect(stateFiles()).toEqual([]);
      await execPlugin('DEL', pluginConfig(list, 0, prev), rt(pod), ctx());
      return err as CniError;
    }

    it('when the kernel refuses a pod route (after the veth and some routes exist)', async () => {
      const pod = await createPod(run, node, { name: 'clash' });
      await ipBatch(pod.ns, ['route add blackhole 10.244.0.0/16']);
      const err = await failingAdd(pod, chain(), ctx());
      expect(err.code).toBe(100);
      expect(err.msg).toBe('creating the veth and the pod’s routes failed');
      expect(err.details).toMatch(/File exists/);
    });

    it('when iptables-restore fails at the last step, after the default route moved', async () => {
      const pod = await createPod(run, node, { name: 'iptables-fails' });
      const faulty = { ...ctx(), binDirs: [faultyBinDir, node.cniBinDir] };
      const list = chain({ routeToHost: true }, [{ dst: '0.0.0.0/0' }]);
      const err = await failingAdd(pod, list, faulty);
      expect(err.code).toBe(100);
      expect(err.details).toMatch(/iptables-restore: injected failure/);
    });
  });

  it('needs no sysctl: works with strict rp_filter and arp_ignore=1 on the node and in the pod', async () => {
    const strict = ['net.ipv4.conf.all.rp_filter=1', 'net.ipv4.conf.all.arp_ignore=1'];
    const loose = ['net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.all.arp_ignore=0'];
    const pod = await createPod(run, node, { name: 'strict' });
    await nsExec(node.ns, 'sysctl', ['-q', '-w', ...strict]);
    await nsExec(pod.ns, 'sysctl', ['-q', '-w', ...strict]);
    try {
      const result = await addNetworkList(chain(), rt(pod), ctx());
      const podIp = resultIPv4(result) ?? '';
      expect(await curl(pod.ns, `http://${SVC.node}/`)).toBe(`node saw ${podIp}`);
      expect(await curl(pod.ns, `http://${SVC.remote}/`)).toBe(`remote saw ${node.ip}`);
      expect(await curl(pod.ns, `http://${SVC.clusterPod}/`)).toBe(
        `cluster-pod saw ${node.podGateway}`,
      );
      expect(await ping(node.ns, podIp)).toBe(true);
      await delNetworkList(chain(), rt(pod), ctx());
    } finally {
      await nsExec(node.ns, 'sysctl', ['-q', '-w', ...loose]);
    }
  });

  it('routes both families of a dual-stack pod: an IPv6 Service through ip6tables', async () => {
    // The fabric carries IPv6 too; a node forwards both families, as kube-proxy needs.
    await ipBatch(node.ns, ['addr add fd00:64::11/64 dev eth0 nodad']);
    await ipBatch(remote.ns, ['addr add fd00:64::12/64 dev eth0 nodad']);
    await nsExec(node.ns, 'sysctl', ['-q', '-w', 'net.ipv6.conf.all.forwarding=1']);
    await serve(remote.ns, 'remote6', 'fd00:64::12');
    await nsExec(node.ns, 'ip6tables-restore', ['--noflush'], {
      input: [
        '*nat',
        ':TEST-SERVICES - [0:0]',
        '-A PREROUTING -j TEST-SERVICES',
        '-A TEST-SERVICES -d fd00:96::11/128 -p tcp --dport 80 -j DNAT --to-destination [fd00:64::12]:8080',
        'COMMIT',
        '',
      ].join('\n'),
    });
    const pod = await createPod(run, node, { name: 'dual-stack' });
    const before = { node: await snapshot(node.ns), pod: await snapshot(pod.ns) };
    const v6 = { subnet: 'fd00:64::/64', rangeStart: 'fd00:64::100', rangeEnd: 'fd00:64::150' };
    const list = chain({ serviceCidr: 'fd00:96::/112' });
    const mv = list.plugins[0] as { ipam: { ranges: unknown[] } };
    mv.ipam.ranges.push([v6]);
    const result = (await addNetworkList(list, rt(pod), ctx())) as { ips: { address: string }[] };
    const pod6 = result.ips.map((i) => i.address.split('/')[0]).find((a) => a?.includes(':'));
    expect(pod6).toMatch(/^fd00:64::1[0-4]/);
    expect(await ipJson(pod.ns, ['-6', 'route', 'show', 'dev', 'v2h-net1'])).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ dst: 'fd00:64::11', prefsrc: pod6 }),
        expect.objectContaining({ dst: 'fd00:96::/112', gateway: 'fd00:64::11' }),
      ]),
    );
    // IPv4 still carries the cluster CIDR.
    expect(await ping(pod.ns, node.podGateway)).toBe(true);
    expect(await curl(pod.ns, 'http://[fd00:96::11]/')).toBe('remote6 saw fd00:64::11');
    expect(await ping(node.ns, pod6 ?? '')).toBe(true);
    await checkNetworkList(list, rt(pod), ctx());
    await delNetworkList(list, rt(pod), ctx());
    expect(await snapshot(node.ns)).toEqual(before.node);
    expect(await snapshot(pod.ns)).toEqual(before.pod);
    const ip6 = await nsExec(node.ns, 'ip6tables-save', ['-t', 'nat']);
    expect(ip6.stdout).not.toMatch(/PLX-V2H-/);
  });

  it('refuses bad input with the field and the fix, and changes nothing', async () => {
    const pod = await createPod(run, node, { name: 'refused' });
    const list = chain();
    const prev = await execPlugin('ADD', pluginConfig(list, 0, undefined), rt(pod), ctx());
    const before = { node: await snapshot(node.ns), pod: await snapshot(pod.ns) };
    const attempt = (conf: Record<string, unknown>, r: RuntimeConf = rt(pod)) =>
      execPlugin('ADD', conf, r, ctx()).catch((e: unknown) => e as CniError);

    const noPrev = await attempt(pluginConfig(list, 1, undefined));
    expect(noPrev).toMatchObject({
      code: 7,
      msg: expect.stringMatching(/^invalid prevResult: prevResult is required/),
    });
    const notNode = await attempt({ ...pluginConfig(list, 1, prev), hostIP: '192.168.64.99' });
    expect(notNode).toMatchObject({
      code: 7,
      msg: 'invalid veth-to-host config: veth-to-host.hostIP 192.168.64.99 is not an address of this node',
    });
    const badField = await attempt({ ...pluginConfig(list, 1, prev), serviceCidr: '10.96.0.1/12' });
    expect(badField).toMatchObject({ code: 7 });
    expect((badField as CniError).details).toContain('fix: use "10.96.0.0/12"');
    const taken = await attempt({ ...pluginConfig(list, 1, prev), containerInterface: 'lo' });
    expect(taken).toMatchObject({ code: 7, msg: expect.stringContaining('containerInterface') });
    const fifo = join(run.dir, 'fifo');
    await nsExec(node.ns, 'mkfifo', [fifo]);
    const notNetns = await attempt(pluginConfig(list, 1, prev), { ...rt(pod), netns: fifo });
    expect(notNetns).toMatchObject({
      code: 4,
      msg: expect.stringContaining('is not a network namespace'),
    });
    expect(await snapshot(node.ns)).toEqual(before.node);
    expect(await snapshot(pod.ns)).toEqual(before.pod);
    await execPlugin('DEL', pluginConfig(list, 0, prev), rt(pod), ctx());
  });
});
