// The rules for an IP address an interface will carry (a pod annotation's
// "ips", a static IPAM address) and for a gateway (a pod annotation's
// "default-route", a static IPAM address's gateway). The kernel takes many of
// these without complaint, and the pod then has a broken network: a /0 address
// makes every destination on-link, a multicast address never answers ARP or ND.
import type { IpAddress } from '../net/ip.ts';

const V4_LIMITED_BROADCAST = 0xffffffffn;

function isMulticast(ip: IpAddress): boolean {
  return ip.family === 4 ? ip.value >> 28n === 0xen : ip.value >> 120n === 0xffn;
}

function isLoopback(ip: IpAddress): boolean {
  return ip.family === 4 ? ip.value >> 24n === 127n : ip.value === 1n;
}

const familyName = (ip: IpAddress): string => (ip.family === 4 ? 'IPv4' : 'IPv6');

/** Why `ip`, written with `prefix` when given as address/prefix, cannot be an
 * interface's own address (a phrase to follow the quoted value), or undefined. */
export function interfaceAddressProblem(ip: IpAddress, prefix?: number): string | undefined {
  if (ip.value === 0n)
    return prefix === 0
      ? `is the whole ${familyName(ip)} address space (a default route), not an address`
      : 'is the unspecified address, which no interface can carry';
  if (prefix === 0) return 'has prefix length 0, which would put every address on-link';
  if (isMulticast(ip)) return 'is a multicast address; an interface address must be unicast';
  if (isLoopback(ip)) return 'is a loopback address, which belongs to the lo interface';
  if (ip.family === 4 && ip.value === V4_LIMITED_BROADCAST) return 'is the broadcast address';
  return undefined;
}

/** The fix for a bad interface address: an example of the address's family. */
export function interfaceAddressFix(ip: IpAddress): string {
  return `write the interface's unicast address with its subnet's prefix length, e.g. ${ip.family === 4 ? '"10.1.1.5/24"' : '"fd00::5/64"'}`;
}

/** Why `ip` cannot be a gateway (a phrase to follow the quoted value), or undefined. */
export function gatewayAddressProblem(ip: IpAddress): string | undefined {
  if (ip.value === 0n)
    return 'is the unspecified address: a default route needs the address of a router';
  if (isMulticast(ip)) return 'is a multicast address; a gateway must be a unicast router address';
  if (isLoopback(ip)) return 'is a loopback address, which is never a router on this network';
  if (ip.family === 4 && ip.value === V4_LIMITED_BROADCAST) return 'is the broadcast address';
  return undefined;
}

/** The fix for a bad gateway: an example of the gateway's family. */
export function gatewayAddressFix(ip: IpAddress): string {
  return `write the address of the router on this network, e.g. ${ip.family === 4 ? '"10.1.1.1"' : '"fd00::1"'}`;
}
