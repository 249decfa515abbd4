// Simulated nodes: each "host" is a network namespace with one uplink (eth0) on
// a shared L2 fabric (a bridge inside a namespace of its own), optionally a
// second, address-less link (eth1) on the fabric's underlay data bridge for
// macvlan/vlan attachments, its own CNI conf,
// bin and state dirs, a cluster default network (bridge + host-local on a
// per-host pod CIDR, like kubenet) and, when a control plane is given, a Node
// object with its InternalIP and a Ready condition.
//
// Nothing is created in the root namespace: both ends of every veth are
// created directly inside the run's namespaces, so names never clash between
// runs and test addresses never leave them.
import { isCanonical, parseCidr } from '../api/net/index.ts';
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNetns, deleteNetns, ipBatch, nsExec, ping } from './netns.ts';
import { kubectl } from './kube.ts';
import type { ControlPlaneInfo } from './kube.ts';
import type { Run } from './run.ts';

export const SYSTEM_CNI_BIN_DIR = '/usr/lib/cni';
export const DEFAULT_NETWORK_FILE = '10-default.conflist';
export const DEFAULT_NETWORK_NAME = 'default';
/** MTU of the hosts' underlay data links (eth1). */
export const DATA_LINK_MTU = 9000;

export interface Fabric {
  runId: string;
  /** Namespace holding the bridge. */
  ns: string;
  bridge: string;
  /** The underlay data network's bridge: hosts' eth1 (HostOptions.dataLink) are its ports. */
  dataBridge: string;
  /** IPv4 network of the fabric, /24, e.g. 192.168.64.0/24. */
  cidr: string;
  /** The run dir hosts put their files under. */
  dir: string;
}

export interface Host {
  name: string;
  index: number;
  fabric: Fabric;
  ns: string;
  /** Uplink inside the host namespace. */
  uplink: string;
  /** The underlay data link (eth1), when HostOptions.dataLink asked for it. */
  dataLink?: string;
  ip: string;
  prefixLen: number;
  podCidr: string;
  /** Address of the default network's bridge (gateway of the pods). */
  podGateway: string;
  dir: string;
  cniConfDir: string;
  cniBinDir: string;
  stateDir: string;
  /** Set when a Node object was registered. */
  node?: string;
}

export interface FabricOptions {
  /** /24 of the fabric; default 192.168.64.0/24 (exists only inside this run's namespaces). */
  cidr?: string;
  name?: string;
}

function base24(cidr: string): string {
  const c = parseCidr(cidr);
  if (c === undefined || c.family !== 4 || c.prefix !== 24 || !isCanonical(c))
    throw new Error(`fabric cidr must be an a.b.c.0/24, got ${cidr}`);
  return c.canonical.slice(0, c.canonical.lastIndexOf('.'));
}

export async function createFabric(run: Run, opts: FabricOptions = {}): Promise<Fabric> {
  const cidr = opts.cidr ?? '192.168.64.0/24';
  base24(cidr);
  const ns = `${run.nsPrefix}${opts.name ?? 'fabric'}`;
  await createNetns(ns);
  run.onClose(`netns ${ns}`, () => deleteNetns(ns));
  const bridge = 'fabric0';
  const dataBridge = 'data0';
  // The fabric's .1 answers as the hosts' gateway (HostOptions.defaultRoute). The data bridge
  // takes the MTU of its ports (DATA_LINK_MTU) as they join.
  await ipBatch(ns, [
    `link add ${bridge} type bridge`,
    `addr add ${base24(cidr)}.1/24 dev ${bridge}`,
    `link set ${bridge} up`,
    `link add ${dataBridge} type bridge`,
    `link set ${dataBridge} up`,
  ]);
  const dir = join(run.dir, 'hosts');
  mkdirSync(dir, { recursive: true });
  return { runId: run.id, ns, bridge, dataBridge, cidr, dir };
}

/** The cluster default network of a host: bridge cni0 + host-local on its pod CIDR, IPAM state in its state dir. */
export function defaultNetworkConfList(
  host: Pick<Host, 'podCidr' | 'podGateway' | 'stateDir'>,
  mtu = 1500,
): Record<string, unknown> {
  return {
    cniVersion: '1.0.0',
    name: DEFAULT_NETWORK_NAME,
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni0',
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        mtu,
        ipam: {
          type: 'host-local',
          // Per host: host-local's default /var/lib/cni/networks would be shared by every simulated host.
          dataDir: join(host.stateDir, 'ipam'),
          ranges: [[{ subnet: host.podCidr, gateway: host.podGateway }]],
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

export interface HostOptions {
  /** Host (and Node) name; DNS-1123 label. */
  name: string;
  /** 1-based host number: fabric address .10+index, pod CIDR 10.244.<index>.0/24 unless podCidr is given. */
  index: number;
  podCidr?: string;
  /** Register a Node object with this control plane. */
  controlPlane?: ControlPlaneInfo;
  labels?: Record<string, string>;
  /** Add eth1, a port of the fabric's underlay data bridge with no address (as a NIC given to
   * pods' macvlan and vlan attachments); default false. */
  dataLink?: boolean;
  /** Route default via the fabric's .1, as a node's default route goes to its gateway (what
   * veth-to-host takes the node's uplink from); default false. */
  defaultRoute?: boolean;
  /** Write 10-default.conflist (default true). */
  defaultNetwork?: boolean;
  /**
   * Where the host's reference plugins come from: default Debian's /usr/lib/cni
   * (1.1.1, cniVersion ≤ 1.0.0); resolveCniPlugins() gives the current ones (CNI 1.1).
   */
  pluginDir?: string;
}

/** Symlinks the reference plugins into a host's own CNI bin dir, so each host can get extra plugins of its own. */
function populateBinDir(binDir: string, pluginDir: string): void {
  mkdirSync(binDir, { recursive: true });
  for (const f of readdirSync(pluginDir)) {
    if (!f.startsWith('.')) symlinkSync(join(pluginDir, f), join(binDir, f));
  }
}

export async function createHost(run: Run, fabric: Fabric, opts: HostOptions): Promise<Host> {
  if (!/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(opts.name))
    throw new Error(`host name ${opts.name} is not a short DNS-1123 label`);
  if (!Number.isInteger(opts.index) || opts.index < 1 || opts.index > 200)
    throw new Error(`host index ${opts.index} not in 1..200`);
  const ns = `${run.nsPrefix}h-${opts.name}`;
  const ip = `${base24(fabric.cidr)}.${10 + opts.index}`;
  const podCidr = opts.podCidr ?? `10.244.${opts.index}.0/24`;
  const podGateway = podCidr.replace(/\.0\/\d+$/, '.1');
  const dir = join(fabric.dir, opts.name);
  const host: Host = {
    name: opts.name,
    index: opts.index,
    fabric,
    ns,
    uplink: 'eth0',
    ip,
    prefixLen: 24,
    podCidr,
    podGateway,
    dir,
    cniConfDir: join(dir, 'cni', 'net.d'),
    cniBinDir: join(dir, 'cni', 'bin'),
    stateDir: join(dir, 'state'),
  };
  mkdirSync(host.cniConfDir, { recursive: true });
  mkdirSync(host.stateDir, { recursive: true });
  populateBinDir(host.cniBinDir, opts.pluginDir ?? SYSTEM_CNI_BIN_DIR);

  await createNetns(ns);
  run.onClose(`host ${opts.name}`, () => destroyHost(host));
  // Both veth ends are created inside namespaces: the fabric port in the fabric ns, eth0 in the host ns.
  const port = `h${opts.index}`;
  await ipBatch(null, [`link add ${port} netns ${fabric.ns} type veth peer name eth0 netns ${ns}`]);
  await ipBatch(fabric.ns, [`link set ${port} master ${fabric.bridge}`, `link set ${port} up`]);
  await ipBatch(ns, [`addr add ${ip}/24 dev eth0`, 'link set eth0 up']);
  if (opts.defaultRoute === true)
    await ipBatch(ns, [`route add default via ${base24(fabric.cidr)}.1 dev eth0`]);
  if (opts.dataLink === true) {
    const dataPort = `d${opts.index}`;
    await ipBatch(null, [
      `link add ${dataPort} netns ${fabric.ns} type veth peer name eth1 netns ${ns}`,
    ]);
    // Jumbo frames, as on a storage or data network (the example VLAN NAD asks for MTU 9000).
    await ipBatch(fabric.ns, [
      `link set ${dataPort} mtu ${DATA_LINK_MTU}`,
      `link set ${dataPort} master ${fabric.dataBridge}`,
      `link set ${dataPort} up`,
    ]);
    await ipBatch(ns, [`link set eth1 mtu ${DATA_LINK_MTU}`, 'link set eth1 up']);
    host.dataLink = 'eth1';
  }
  // Pods reach other hosts' pods through their host; forwarding inside this namespace only.
  await nsExec(ns, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);

  if (opts.defaultNetwork !== false) {
    writeFileSync(
      join(host.cniConfDir, DEFAULT_NETWORK_FILE),
      `${JSON.stringify(defaultNetworkConfList(host), null, 2)}\n`,
    );
  }
  if (opts.controlPlane) await registerNode(opts.controlPlane, host, opts.labels);
  return host;
}

/** Creates the Node object of a host with its pod CIDR, then sets its addresses and a Ready condition on the status. */
export async function registerNode(
  cp: ControlPlaneInfo,
  host: Host,
  labels: Record<string, string> = {},
): Promise<void> {
  const node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: host.name,
      labels: {
        'kubernetes.io/hostname': host.name,
        'kubernetes.io/os': 'linux',
        'plexus.dev/simulated': 'true',
        ...labels,
      },
    },
    spec: { podCIDR: host.podCidr, podCIDRs: [host.podCidr] },
  };
  await kubectl(cp, ['apply', '--server-side', '--field-manager=plexus-harness', '-f', '-'], {
    input: JSON.stringify(node),
  });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const status = {
    status: {
      addresses: [
        { type: 'InternalIP', address: host.ip },
        { type: 'Hostname', address: host.name },
      ],
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'SimulatedNodeReady',
          message: 'simulated node (network namespace) is ready',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
    },
  };
  await kubectl(cp, [
    'patch',
    'node',
    host.name,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify(status),
  ]);
  host.node = host.name;
  nodeRegistry.set(host, cp);
}

const nodeRegistry = new WeakMap<Host, ControlPlaneInfo>();

/** Deletes the host's Node (if registered), namespace and dir. Idempotent. */
export async function destroyHost(host: Host): Promise<void> {
  const cp = nodeRegistry.get(host);
  if (cp && host.node) {
    await kubectl(cp, ['delete', 'node', host.node, '--ignore-not-found', '--wait=false'], {
      allowFail: true,
    });
    nodeRegistry.delete(host);
    delete host.node;
  }
  // Deleting the namespace deletes eth0 and, with it, its peer port on the fabric bridge.
  await deleteNetns(host.ns);
  rmSync(host.dir, { recursive: true, force: true });
}

/** Pings from one host to an address (bounded count and deadline). */
export function pingFrom(host: Host, target: string): Promise<boolean> {
  return ping(host.ns, target);
}
