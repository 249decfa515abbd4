// Field checks for the plugin types the Plexus node agent implements, and the
// typed reader of veth-to-host's config the agent's plugin works from.
//
// plexus-overlay — attaches the pod to an OverlayNetwork (the operator writes
//   these NADs: {"type": "plexus-overlay", "network": "blue"}).
//     network   string, required: the OverlayNetwork's name (DNS-1123 subdomain).
//   No `ipam`: the node's leased subnet of that overlay decides the address.
//
// veth-to-host — a chained plugin placed after macvlan/ipvlan (seed 004): a veth
//   pair from the pod to the node, routes in the pod to the node's IP, the
//   Service CIDR and the cluster CIDR via the node, and a host route back to the
//   pod's underlay address, so underlay pods can reach Service IPs.
//     hostInterface       ifname, optional: the node interface whose address is the
//                         host IP (default: the interface of the node's default route)
//     containerInterface  ifname, optional: the veth end inside the pod (default
//                         derived from CNI_IFNAME, so two attachments never clash)
//     hostIP              IP, optional: the node address to route to (default: the
//                         first address of hostInterface)
//     serviceCidr         CIDR, optional: Service network, routed via the node
//     clusterCidr         CIDR, optional: pod network of the cluster, routed via the node
//     routeToHost         bool, default false: also move the pod's default route to
//                         the veth (all non-underlay traffic goes through the node)
//     ipMasq              bool, default false: masquerade the pod's traffic leaving the node
//     mtu                 veth MTU, default: the MTU of the previous plugin's interface
//   No `ipam`: the pod keeps the underlay address the previous plugin gave it.
import type { FindingOut } from '../common/finding-sink.ts';
import { quote } from '../common/quote.ts';
import { checked, child, error, warning, type Checked, type Finding } from '../common/findings.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { dns1123SubdomainProblem } from '../common/names.ts';
import { cidrsOverlap, type Cidr, type IpAddress } from '../net/ip.ts';
import {
  optBool,
  optIfName,
  optIp,
  optMtu,
  optNetworkCidr,
  optString,
  type Json,
} from './field-readers.ts';

export function checkPlexusOverlay(
  p: Json,
  path: string,
  overlayNetworks: ReadonlySet<string> | undefined,
  out: FindingOut,
): void {
  const nPath = child(path, 'network');
  if (p.network === undefined) {
    out.push(
      error(
        nPath,
        'is required: it names the OverlayNetwork to attach to',
        'add "network": "<OverlayNetwork name>"',
      ),
    );
  } else {
    const network = optString(p, 'network', path, out);
    if (network !== undefined) {
      const problem = dns1123SubdomainProblem(network);
      if (problem !== undefined) {
        out.push(error(nPath, `${quote(network)} is not an OverlayNetwork name: ${problem}`));
      } else if (overlayNetworks !== undefined && !overlayNetworks.has(network)) {
        out.push(
          error(
            nPath,
            `OverlayNetwork ${quote(network)} does not exist`,
            `create OverlayNetwork ${network} or correct the name`,
          ),
        );
      }
    }
  }
  if (p.ipam !== undefined) {
    out.push(
      error(
        child(path, 'ipam'),
        "plexus-overlay takes no ipam: the OverlayNetwork's subnet on each node decides the pod's address",
        'remove "ipam"; change the OverlayNetwork to change addressing',
      ),
    );
  }
}

/** veth-to-host's fields, read once: what the node agent's plugin works from. */
export interface VethToHostConf {
  /** The node interface whose first address is the host IP (absent: the default route's). */
  hostInterface?: string;
  /** The veth end inside the pod (absent: derived from CNI_IFNAME). */
  containerInterface?: string;
  hostIP?: IpAddress;
  serviceCidr?: Cidr;
  clusterCidr?: Cidr;
  routeToHost: boolean;
  ipMasq: boolean;
  /** Absent: the MTU of the previous plugin's interface. */
  mtu?: number;
}

/** Checks veth-to-host's fields and returns what it read; findings decide whether it is usable. */
export function checkVethToHost(p: Json, path: string, out: FindingOut): VethToHostConf {
  const conf: VethToHostConf = {
    hostInterface: optIfName(p, 'hostInterface', path, out),
    containerInterface: optIfName(p, 'containerInterface', path, out),
    hostIP: optIp(p, 'hostIP', path, out),
    serviceCidr: optNetworkCidr(p, 'serviceCidr', path, out),
    clusterCidr: optNetworkCidr(p, 'clusterCidr', path, out),
    routeToHost: optBool(p, 'routeToHost', path, out) ?? false,
    ipMasq: optBool(p, 'ipMasq', path, out) ?? false,
    mtu: optMtu(p, path, out),
  };
  const { serviceCidr: service, clusterCidr: cluster, hostIP } = conf;
  if (service !== undefined && cluster !== undefined && cidrsOverlap(service, cluster)) {
    out.push(
      warning(
        child(path, 'clusterCidr'),
        `${cluster.canonical} overlaps serviceCidr ${service.canonical}; Kubernetes needs them apart`,
        "use the cluster's --cluster-cidr and --service-cluster-ip-range values",
      ),
    );
  }
  if (hostIP !== undefined) {
    const problem = nextHopProblem(hostIP);
    if (problem !== undefined)
      out.push(
        error(
          child(path, 'hostIP'),
          `${quote(hostIP.text)} is ${problem}: pods cannot route through it`,
          "use the node's address on its uplink, or remove hostIP to take hostInterface's first address",
        ),
      );
  }
  if (p.ipam !== undefined) {
    out.push(
      error(
        child(path, 'ipam'),
        'veth-to-host takes no ipam: the pod keeps the underlay address the previous plugin gave it',
        'remove "ipam" (put it on the macvlan/ipvlan plugin before this one)',
      ),
    );
  }
  return conf;
}

/** Why an address cannot be the pods' next hop to the node, or undefined. */
function nextHopProblem(ip: IpAddress): string | undefined {
  const v = ip.value;
  if (ip.family === 4) {
    if (v === 0n) return 'the unspecified address';
    if (v >> 24n === 127n) return 'a loopback address';
    if (v >> 28n === 14n) return 'a multicast address';
    return undefined;
  }
  if (v === 0n) return 'the unspecified address';
  if (v === 1n) return 'the loopback address';
  if (v >> 120n === 0xffn) return 'a multicast address';
  if (v >> 118n === 0x3fan) return 'a link-local address (it names no interface)';
  return undefined;
}

/** Reads a veth-to-host plugin config (the stdin config of one call: plugin keys plus
 * cniVersion and name) into its typed fields; `field` prefixes the findings. */
export function readVethToHostConf(conf: unknown, field = 'config'): Checked<VethToHostConf> {
  if (!isPlainObject(conf)) return { findings: [typeError(field, 'an object', conf)] };
  const findings: Finding[] = [];
  if (conf.type !== 'veth-to-host')
    findings.push(
      error(child(field, 'type'), 'must be "veth-to-host"', 'write "type": "veth-to-host"'),
    );
  return checked(findings, checkVethToHost(conf, field, findings));
}
