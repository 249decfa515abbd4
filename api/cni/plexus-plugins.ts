// Field checks for the plugin types the Plexus node agent implements.
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
import { child, error, warning } from '../common/findings.ts';
import { dns1123SubdomainProblem } from '../common/names.ts';
import { cidrsOverlap } from '../net/ip.ts';
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

export function checkVethToHost(p: Json, path: string, out: FindingOut): void {
  optIfName(p, 'hostInterface', path, out);
  optIfName(p, 'containerInterface', path, out);
  optIp(p, 'hostIP', path, out);
  const service = optNetworkCidr(p, 'serviceCidr', path, out);
  const cluster = optNetworkCidr(p, 'clusterCidr', path, out);
  optBool(p, 'routeToHost', path, out);
  optBool(p, 'ipMasq', path, out);
  optMtu(p, path, out);
  if (service !== undefined && cluster !== undefined && cidrsOverlap(service, cluster)) {
    out.push(
      warning(
        child(path, 'clusterCidr'),
        `${cluster.canonical} overlaps serviceCidr ${service.canonical}; Kubernetes needs them apart`,
        "use the cluster's --cluster-cidr and --service-cluster-ip-range values",
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
}
