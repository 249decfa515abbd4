// Which address a node's VXLAN peers send to (the lease's PublicIP): the
// `plexus.dev/public-ip` annotation when set, else the node's first IPv4
// InternalIP, as flanneld's --public-ip / interface address would be.
import { quote } from '../common/quote.ts';
import { formatIp, parseIp } from '../net/ip.ts';

export const PUBLIC_IP_ANNOTATION = 'plexus.dev/public-ip';

/** The part of a Node the rule reads. */
export interface NodeAddressInput {
  annotations?: Readonly<Record<string, string>>;
  addresses?: readonly { type?: string; address?: string }[];
}

export type PublicIpResult = { ip: string } | { problem: string };

export function nodePublicIp(node: NodeAddressInput): PublicIpResult {
  const annotated = node.annotations?.[PUBLIC_IP_ANNOTATION];
  if (annotated !== undefined) {
    const ip = parseIp(annotated.trim());
    if (ip !== undefined && ip.family === 4) return { ip: formatIp(ip.value, 4) };
    return {
      problem: `annotation ${PUBLIC_IP_ANNOTATION} is ${quote(annotated)}, not an IPv4 address; set it to the node address VXLAN peers reach (e.g. 192.168.1.10) or remove it`,
    };
  }
  for (const a of node.addresses ?? []) {
    if (a.type !== 'InternalIP' || a.address === undefined) continue;
    const ip = parseIp(a.address);
    if (ip !== undefined && ip.family === 4) return { ip: formatIp(ip.value, 4) };
  }
  return {
    problem: `the node has no IPv4 InternalIP; annotate it with ${PUBLIC_IP_ANNOTATION}=<IPv4 address VXLAN peers reach>`,
  };
}
