// Names and MACs of one attachment, derived from (container ID, CNI_IFNAME)
// alone: DEL finds the host veth and the iptables chain even when no state
// survived, and two attachments never share a name.
import { createHash } from 'node:crypto';

/** Prefix of every host-side veth this plugin creates (`ip link show | grep v2h`). */
export const HOST_VETH_PREFIX = 'v2h';
/** Prefix of every iptables chain this plugin creates. */
export const CHAIN_PREFIX = 'PLX-V2H-';

/** Characters iproute2's batch reader passes through unchanged in a name (no quotes, `#`, `\`). */
const BATCH_SAFE_NAME = /^[A-Za-z0-9_.@+=-]+$/;

export interface AttachmentNames {
  /** Host end of the veth: `v2h` + 12 hex digits (15 bytes, IFNAMSIZ - 1). */
  hostVeth: string;
  /** Pod end of the veth. */
  podVeth: string;
  /** The nat chain holding this attachment's masquerade rules. */
  chain: string;
  /** Locally administered unicast MACs, fixed so CHECK can compare and no ARP is needed. */
  hostMac: string;
  podMac: string;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** 12 hex digits naming the attachment; the NUL keeps ("ab","c") apart from ("a","bc"). */
export function attachmentHash(containerId: string, ifName: string): string {
  return sha256(`${containerId}\0${ifName}`).toString('hex').slice(0, 12);
}

/** A locally administered unicast MAC from the first 6 bytes of a digest. */
function macFrom(digest: Buffer): string {
  const bytes = [...digest.subarray(0, 6)];
  bytes[0] = ((bytes[0] ?? 0) & 0xfc) | 0x02;
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** True when `name` can be written into an `ip -batch` line as it is. */
export function isBatchSafeName(name: string): boolean {
  return BATCH_SAFE_NAME.test(name);
}

/** The pod end when the config names none: `v2h-<ifName>`, or a digest of it when that
 * is too long or holds characters a batch line cannot carry. */
export function defaultPodVethName(ifName: string): string {
  const plain = `${HOST_VETH_PREFIX}-${ifName}`;
  if (plain.length <= 15 && isBatchSafeName(ifName)) return plain;
  return `${HOST_VETH_PREFIX}${sha256(ifName).toString('hex').slice(0, 12)}`;
}

export function attachmentNames(
  containerId: string,
  ifName: string,
  containerInterface?: string,
): AttachmentNames {
  const hash = attachmentHash(containerId, ifName);
  const hostMac = macFrom(sha256(`${containerId}\0${ifName}\0host`));
  let podMac = macFrom(sha256(`${containerId}\0${ifName}\0pod`));
  // Two ends with one MAC would be a broken link; flip a bit in the (2^-46) case.
  if (podMac === hostMac) podMac = `${podMac.slice(0, 15)}${podMac.endsWith('0') ? '1' : '0'}`;
  return {
    hostVeth: `${HOST_VETH_PREFIX}${hash}`,
    podVeth: containerInterface ?? defaultPodVethName(ifName),
    chain: `${CHAIN_PREFIX}${hash.toUpperCase()}`,
    hostMac,
    podMac,
  };
}
