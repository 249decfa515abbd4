// The keys each reference plugin and reference IPAM reads (from their Go
// structs in containernetworking/plugins and cni's types), and the check for
// a key that is almost one of them. The plugins ignore keys they do not know,
// so `rangeStop` for `rangeEnd` or `route` for `routes` silently does nothing.
// Unknown keys that are not close to a known one pass: the CNI spec allows
// any key, and runtimes and other tools add their own.
import type { FindingOut } from '../common/finding-sink.ts';
import { child, warning } from '../common/findings.ts';
import { quote } from '../common/quote.ts';
import { didYouMean, suggestKey } from '../common/suggest.ts';

/** Keys every plugin object may hold: cni's PluginConf and NetConfList, and the
 * runtime's conventions (runtimeConfig, args). */
const PLUGIN_COMMON = [
  'cniVersion',
  'cniVersions',
  'name',
  'type',
  'capabilities',
  'runtimeConfig',
  'args',
  'ipam',
  'dns',
  'prevResult',
  'plugins',
  'disableCheck',
  'disableGC',
  'loadOnlyInlinedPlugins',
  'cni.dev/valid-attachments',
  'cni.dev/attachments',
];

/** The plugin-specific keys of each reference plugin, and of Plexus's own. */
export const PLUGIN_OWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  bridge: [
    'bridge',
    'isGateway',
    'isDefaultGateway',
    'forceAddress',
    'ipMasq',
    'ipMasqBackend',
    'mtu',
    'hairpinMode',
    'promiscMode',
    'vlan',
    'vlanTrunk',
    'preserveDefaultVlan',
    'macspoofchk',
    'enabledad',
    'disableContainerInterface',
    'portIsolation',
    'mac',
  ],
  macvlan: ['master', 'mode', 'mtu', 'mac', 'linkInContainer', 'bcqueuelen'],
  ipvlan: ['master', 'mode', 'mtu', 'linkInContainer'],
  vlan: ['master', 'vlanId', 'mtu', 'linkInContainer'],
  'host-device': ['device', 'hwaddr', 'kernelpath', 'pciBusID', 'DPDKMode'],
  ptp: ['ipMasq', 'ipMasqBackend', 'mtu'],
  dummy: [],
  tap: ['multiQueue', 'mtu', 'mac', 'owner', 'group', 'selinuxContext', 'bridge'],
  loopback: [],
  tuning: ['mtu', 'mac', 'promisc', 'allmulti', 'txQLen', 'sysctl', 'dataDir'],
  portmap: [
    'backend',
    'snat',
    'conditionsV4',
    'conditionsV6',
    'masqAll',
    'markMasqBit',
    'externalSetMarkChain',
  ],
  bandwidth: [
    'ingressRate',
    'ingressBurst',
    'egressRate',
    'egressBurst',
    'shapedSubnets',
    'unshapedSubnets',
  ],
  sbr: ['table', 'gateways', 'addSourceHints'],
  firewall: ['backend', 'iptablesAdminChainName', 'firewalldZone', 'ingressPolicy'],
  vrf: ['vrfname', 'table'],
  'plexus-overlay': ['network'],
  'veth-to-host': [
    'hostInterface',
    'containerInterface',
    'hostIP',
    'serviceCidr',
    'clusterCidr',
    'routeToHost',
    'ipMasq',
    'mtu',
  ],
};

const RANGE = ['subnet', 'rangeStart', 'rangeEnd', 'gateway'];

/** The keys of the reference IPAM plugins' sections, and of the objects inside them. */
export const KNOWN_KEYS = {
  hostLocal: ['type', ...RANGE, 'ranges', 'routes', 'dataDir', 'resolvConf'],
  range: RANGE,
  static: ['type', 'addresses', 'routes', 'dns'],
  staticAddress: ['address', 'gateway'],
  dhcp: ['type', 'daemonSocketPath', 'provide', 'request', 'priority'],
  /** The network list's own keys (libcni's NetworkConfigList). */
  list: [
    'cniVersion',
    'cniVersions',
    'name',
    'plugins',
    'disableCheck',
    'disableGC',
    'loadOnlyInlinedPlugins',
  ],
  route: ['dst', 'gw', 'mtu', 'advmss', 'priority', 'table', 'scope'],
  dns: ['nameservers', 'domain', 'search', 'options'],
  vlanTrunk: ['id', 'minID', 'maxID'],
  /** The capabilities runtimes (containerd, CRI-O, Multus) pass (CNI conventions). */
  capabilities: [
    'portMappings',
    'bandwidth',
    'ips',
    'mac',
    'infinibandGUID',
    'deviceID',
    'ipRanges',
    'dns',
    'aliases',
    'cgroupPath',
    'io.kubernetes.cri.pod-annotations',
  ],
} as const;

/** Other words people use for a known key (squashed: lower case, no "-" or "_"),
 * too far from it for an edit-distance hint. Used only where the key they name is known. */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['rangestop', 'rangeEnd'],
  ['rangefinish', 'rangeEnd'],
  ['rangelast', 'rangeEnd'],
  ['end', 'rangeEnd'],
  ['stop', 'rangeEnd'],
  ['lastip', 'rangeEnd'],
  ['rangebegin', 'rangeStart'],
  ['rangefirst', 'rangeStart'],
  ['start', 'rangeStart'],
  ['firstip', 'rangeStart'],
  ['gw', 'gateway'],
  ['gateway', 'gw'],
  ['destination', 'dst'],
  ['dest', 'dst'],
  ['address', 'addresses'],
  ['ip', 'addresses'],
  ['ips', 'addresses'],
  ['cidr', 'subnet'],
  ['network', 'subnet'],
  ['isdefaultgw', 'isDefaultGateway'],
  ['defaultgateway', 'isDefaultGateway'],
  ['isgw', 'isGateway'],
  ['masquerade', 'ipMasq'],
  ['ipmasquerade', 'ipMasq'],
  ['servers', 'nameservers'],
  ['dnsservers', 'nameservers'],
  ['vlan', 'vlanId'],
  ['vid', 'vlanId'],
]);

function aliasesFor(known: readonly string[]): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const [alias, key] of ALIASES) if (known.includes(key)) out.set(alias, key);
  return out;
}

/** All keys a plugin object of `type` may hold, when `type` is a reference plugin or ours. */
export function pluginKeys(type: string): readonly string[] | undefined {
  if (!Object.hasOwn(PLUGIN_OWN_KEYS, type)) return undefined;
  return [...PLUGIN_COMMON, ...(PLUGIN_OWN_KEYS[type] as readonly string[])];
}

/** Where an object's keys are checked: the object, its field path, and who reads it. */
export interface KeyOwner {
  obj: Record<string, unknown>;
  path: string;
  /** Names the reader in messages: "macvlan", "host-local", "a host-local range". */
  owner: string;
  /** Says what an unknown key means here, instead of "is not a field of <owner>, which ignores it". */
  unknown?: string;
}

/** Warns about each key of `at.obj` that is not in `known` but close to one of them. */
export function checkMisspeltKeys(at: KeyOwner, known: readonly string[], out: FindingOut): void {
  let aliases: ReadonlyMap<string, string> | undefined;
  for (const key of Object.keys(at.obj)) {
    if (known.includes(key)) continue;
    aliases ??= aliasesFor(known);
    const hint = suggestKey(key, known, aliases);
    if (hint === undefined) continue;
    const field = child(at.path, key);
    if (hint.toLowerCase() === key.toLowerCase()) {
      out.push(
        warning(
          field,
          `${at.owner} reads it as ${quote(hint)} (Go matches fields regardless of case), but other tools and Plexus's checks do not`,
          `write ${quote(hint)}`,
        ),
      );
    } else {
      out.push(
        warning(
          field,
          at.unknown ?? `is not a field of ${at.owner}, which ignores it`,
          didYouMean(hint),
        ),
      );
    }
  }
}
