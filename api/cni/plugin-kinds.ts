// What each known plugin type does in a chain. Types not listed here are
// third-party plugins (sriov, ovs, …): accepted, and assumed to be able to
// create the interface, since we cannot tell.

type PluginKind =
  /** Creates (or moves in) the CNI_IFNAME interface: must come first in a list, once. */
  | 'interface'
  /** Works on the previous plugin's result (`prevResult`): never first. */
  | 'chained'
  /** Runs standalone without creating the pod's interface. */
  | 'standalone'
  /** An IPAM plugin written where a main plugin belongs. */
  | 'ipam'
  /** Not allowed in a NetworkAttachmentDefinition at all. */
  | 'forbidden'
  | 'unknown';

const KINDS: Readonly<Record<string, PluginKind>> = {
  macvlan: 'interface',
  ipvlan: 'interface',
  bridge: 'interface',
  vlan: 'interface',
  'host-device': 'interface',
  ptp: 'interface',
  dummy: 'interface',
  tap: 'interface',
  'plexus-overlay': 'interface',
  tuning: 'chained',
  portmap: 'chained',
  bandwidth: 'chained',
  sbr: 'chained',
  firewall: 'chained',
  vrf: 'chained',
  'veth-to-host': 'chained',
  loopback: 'standalone',
  'host-local': 'ipam',
  static: 'ipam',
  dhcp: 'ipam',
  plexus: 'forbidden',
};

export function pluginKind(type: string): PluginKind {
  return Object.hasOwn(KINDS, type) ? (KINDS[type] as PluginKind) : 'unknown';
}

/** Plugins that always run their IPAM plugin, so they fail without one. */
export const NEEDS_IPAM: ReadonlySet<string> = new Set(['vlan', 'ptp']);

/** Third-party plugin types in wide use (Multus, cluster networks, SR-IOV, OVS,
 * bond, KubeVirt, Spiderpool, …), for "did you mean" on a type one letter off. */
const WELL_KNOWN_THIRD_PARTY = [
  'multus',
  'multus-shim',
  'calico',
  'cilium-cni',
  'antrea',
  'flannel',
  'weave-net',
  'kube-ovn',
  'ovn-k8s-cni-overlay',
  'sriov',
  'ib-sriov',
  'ovs',
  'bond',
  'macvtap',
  'userspace',
  'accelerated-bridge',
  'route-override',
  'coordinator',
  'ifacer',
  'tc-redirect-tap',
  'istio-cni',
  'aws-cni',
  'azure-vnet',
  'cnv-bridge',
  'cnv-tuning',
  'whereabouts',
  'spiderpool',
  'calico-ipam',
  'win-bridge',
  'win-overlay',
];

/** Every plugin type a "did you mean" may suggest: ours, the reference plugins, well-known others. */
export const KNOWN_PLUGIN_TYPES: readonly string[] = [
  ...Object.keys(KINDS),
  ...WELL_KNOWN_THIRD_PARTY,
];
