// From a pod's resolved networks to the delegates ADD runs, in order: the cluster network as
// the runtime's interface, then each annotation element as its own interface (net<N> unless
// named). Capability values go only to networks with a plugin that declares the capability
// (NPWG v1.3 §4.1.2.1: otherwise the attachment fails), the runtime's runtimeConfig only to
// the cluster network (§7.5), and "cni-args" into each plugin's args.cni (§4.1.2.1.6).
import {
  LATEST_CNI_VERSION,
  SUPPORTED_CNI_VERSIONS,
  compareCniVersions,
} from '../../api/cni/index.ts';
import type { NormalizedNetConf, PluginConf } from '../../api/cni/index.ts';
import { isPlainObject } from '../../api/common/index.ts';
import type { Finding } from '../../api/common/index.ts';
import type { PodNetworks, ResolvedAttachment } from '../../api/npwg/index.ts';
import { CNI_CODES, CniFailure } from '../cni/cni-error.ts';
import type { DelegateNetwork } from '../delegate/network-runner.ts';
import type { CachedDelegate } from './del-cache.ts';

/** The annotation keys that are CNI capabilities, and the capability each one needs. */
const CAPABILITY_OF: readonly (readonly [keyof ResolvedAttachment, string])[] = [
  ['ips', 'ips'],
  ['mac', 'mac'],
  ['portMappings', 'portMappings'],
  ['bandwidth', 'bandwidth'],
  ['infiniband-guid', 'infinibandGUID'],
];

/** More attachments than this in one pod are refused: each is a delegate run (and an
 * interface in the pod) one after another, and a CNI call has about 100 s in all. */
export const MAX_ATTACHMENTS = 64;

export interface PlanInput {
  /** The cluster network (from the node's conflist), unless the pod names a default network. */
  clusterNetwork: DelegateNetwork;
  /** CNI_IFNAME of the request: the cluster network's interface. */
  clusterIfName: string;
  /** The runtime's runtimeConfig: capability values for the cluster network only. */
  runtimeCapabilityArgs: Record<string, unknown>;
  networks: PodNetworks;
  /** The checked config of each NAD the networks name, by `namespace/name`. */
  nadConfigs: ReadonlyMap<string, NormalizedNetConf>;
}

export function nadKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The delegates of one ADD, in order; CniFailure 7 when an element cannot be served. */
export function planDelegates(input: PlanInput): CachedDelegate[] {
  const { networks } = input;
  if (networks.attachments.length > MAX_ATTACHMENTS)
    throw new CniFailure(
      CNI_CODES.invalidConfig,
      `the pod asks for ${networks.attachments.length} attachments; a pod may have at most ${MAX_ATTACHMENTS}`,
      'attach fewer networks',
    );
  const cluster: CachedDelegate =
    networks.defaultNetwork === undefined
      ? {
          name: input.clusterNetwork.name,
          ifName: input.clusterIfName,
          isDefault: true,
          network: input.clusterNetwork,
          capabilityArgs: { ...input.runtimeCapabilityArgs },
        }
      : {
          ...attachmentDelegate(networks.defaultNetwork, input),
          ifName: input.clusterIfName,
          isDefault: true,
          capabilityArgs: { ...input.runtimeCapabilityArgs },
        };
  return [cluster, ...networks.attachments.map((a) => attachmentDelegate(a, input))];
}

function attachmentDelegate(a: ResolvedAttachment, input: PlanInput): CachedDelegate {
  const key = nadKey(a.namespace, a.name);
  const conf = input.nadConfigs.get(key);
  if (conf === undefined)
    throw new CniFailure(
      CNI_CODES.invalidConfig,
      `NetworkAttachmentDefinition ${key} was not resolved`,
    );
  const network = networkOf(conf, a['cni-args']);
  const capabilityArgs: Record<string, unknown> = {};
  for (const [key2, capability] of CAPABILITY_OF) {
    const value = a[key2];
    if (value === undefined) continue;
    if (!network.plugins.some((p) => declares(p, capability))) {
      throw new CniFailure(
        CNI_CODES.invalidConfig,
        `network ${key} (interface ${a.interface}) asks for "${String(key2)}", but no plugin of ${key} declares the "${capability}" capability`,
        `add "capabilities": {"${capability}": true} to the plugin of ${key} that handles it, or remove "${String(key2)}" from the pod's annotation`,
      );
    }
    capabilityArgs[capability] = value;
  }
  const delegate: CachedDelegate = {
    name: key,
    ifName: a.interface,
    isDefault: false,
    network,
    capabilityArgs,
  };
  const gateways = a['default-route'];
  if (gateways !== undefined && gateways.length > 0) delegate.defaultRoute = [...gateways];
  return delegate;
}

function declares(p: PluginConf, capability: string): boolean {
  return isPlainObject(p.capabilities) && p.capabilities[capability] === true;
}

/** A NAD's checked config as it runs, with the pod's cni-args merged over each plugin's args.cni. */
function networkOf(conf: NormalizedNetConf, cniArgs?: Record<string, unknown>): DelegateNetwork {
  const plugins =
    cniArgs === undefined ? conf.plugins : conf.plugins.map((p) => withCniArgs(p, cniArgs));
  const network: DelegateNetwork = { name: conf.name, cniVersion: conf.cniVersion, plugins };
  if (libcniBool(conf.raw.disableCheck)) network.disableCheck = true;
  if (libcniBool(conf.raw.disableGC)) network.disableGC = true;
  return network;
}

function withCniArgs(p: PluginConf, cniArgs: Record<string, unknown>): PluginConf {
  const args = isPlainObject(p.args) ? p.args : {};
  const cni = isPlainObject(args.cni) ? args.cni : {};
  return { ...p, args: { ...args, cni: { ...cni, ...cniArgs } } };
}

/** libcni reads these flags as booleans or the strings "true"/"false". */
function libcniBool(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/**
 * The node's cluster network as embedded in the meta plugin's config: a conflist or a single
 * plugin, read leniently (it is the node's own config, written for the runtime, not a NAD).
 */
export function clusterNetworkOf(raw: Record<string, unknown> | undefined): DelegateNetwork {
  if (raw === undefined)
    throw new CniFailure(
      CNI_CODES.invalidConfig,
      'the plexus config names no cluster network (clusterNetwork)',
      'the agent writes it from the first other config in the CNI conf dir: add the cluster network there',
    );
  const name = typeof raw.name === 'string' && raw.name !== '' ? raw.name : 'cluster';
  const cniVersion = chooseVersion(raw);
  const list = Array.isArray(raw.plugins) ? (raw.plugins as unknown[]) : [raw];
  const plugins: PluginConf[] = [];
  for (const p of list) {
    if (!isPlainObject(p) || typeof p.type !== 'string' || p.type === '')
      throw new CniFailure(
        CNI_CODES.invalidConfig,
        `cluster network ${name}: a plugin has no "type"`,
      );
    // libcni gives every plugin the list's name and version; their own are ignored.
    const rest: Record<string, unknown> = { ...p };
    for (const k of ['cniVersion', 'cniVersions', 'name']) delete rest[k];
    plugins.push({ ...rest, type: p.type });
  }
  const network: DelegateNetwork = { name, cniVersion, plugins };
  if (libcniBool(raw.disableCheck)) network.disableCheck = true;
  if (libcniBool(raw.disableGC)) network.disableGC = true;
  return network;
}

/** libcni's choice: the highest of cniVersions/cniVersion it implements. */
function chooseVersion(raw: Record<string, unknown>): string {
  const candidates = [
    ...(Array.isArray(raw.cniVersions) ? (raw.cniVersions as unknown[]) : []),
    raw.cniVersion,
  ].filter(
    (v): v is string =>
      typeof v === 'string' &&
      (SUPPORTED_CNI_VERSIONS as readonly string[]).includes(v) &&
      compareCniVersions(v, LATEST_CNI_VERSION) <= 0,
  );
  candidates.sort(compareCniVersions);
  const best = candidates[candidates.length - 1];
  if (best === undefined)
    throw new CniFailure(
      CNI_CODES.incompatibleVersion,
      `the cluster network's cniVersion ${JSON.stringify(raw.cniVersion)} is not one Plexus speaks`,
    );
  return best;
}

/** Error findings as one line each: `field: message (fix)`. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings
    .filter((f) => f.severity === 'error')
    .map((f) => `${f.field}: ${f.message}${f.fix === undefined ? '' : ` (${f.fix})`}`)
    .join('; ');
}
