// Builds a network-status entry from a CNI result, as the node agent does
// after each ADD.
import { isPlainObject } from '../common/json-value.ts';
import { parseCidr, parseIp } from '../net/ip.ts';
import type { DeviceInfo, NetworkStatus, NetworkStatusDns } from './network-status-types.ts';

export interface StatusFromCniOptions {
  /** CNI_IFNAME the attachment was run with. */
  ifName: string;
  /** True for the cluster network's entry. */
  isDefault: boolean;
  deviceInfo?: DeviceInfo;
}

/** Builds the status entry of one attachment from its CNI (0.3.0–1.1.0)
 * result. Status comes from the sandbox interface named `ifName` (else the
 * first sandbox interface, spec §5.1.1) and the IPs that point at it;
 * malformed parts of the result are skipped. Never throws. */
export function networkStatusFromCniResult(
  networkName: string,
  cniResult: unknown,
  opts: StatusFromCniOptions,
): NetworkStatus {
  const status: NetworkStatus = { name: networkName, interface: opts.ifName };
  const result = isPlainObject(cniResult) ? cniResult : {};
  const interfaces = Array.isArray(result.interfaces) ? (result.interfaces as unknown[]) : [];
  const chosen = chooseInterface(interfaces, opts.ifName);
  const itf = chosen >= 0 ? (interfaces[chosen] as Record<string, unknown>) : undefined;
  if (itf !== undefined) {
    if (typeof itf.name === 'string' && itf.name !== '') status.interface = itf.name;
    if (typeof itf.mac === 'string' && itf.mac !== '') status.mac = itf.mac;
    // CNI 1.1 results carry the MTU.
    if (typeof itf.mtu === 'number' && Number.isInteger(itf.mtu) && itf.mtu > 0)
      status.mtu = itf.mtu;
  }
  const ips = ipsOf(result.ips, chosen);
  if (ips.length > 0) status.ips = ips;
  status.default = opts.isDefault;
  const dns = dnsOf(result.dns);
  if (dns !== undefined) status.dns = dns;
  const gateways = defaultGatewaysOf(result.routes);
  if (gateways.length > 0) status.gateway = gateways;
  if (opts.deviceInfo !== undefined) status['device-info'] = opts.deviceInfo;
  return status;
}

/** The sandbox interface named `ifName`, else the first sandbox interface (spec §5.1.1); -1 for none. */
function chooseInterface(interfaces: readonly unknown[], ifName: string): number {
  let chosen = -1;
  for (let i = 0; i < interfaces.length; i++) {
    const itf = interfaces[i];
    if (!isPlainObject(itf) || typeof itf.sandbox !== 'string' || itf.sandbox === '') continue;
    if (itf.name === ifName) return i;
    if (chosen < 0) chosen = i;
  }
  return chosen;
}

/** The addresses (without prefix) of the chosen interface; without one, those
 * tied to no interface (spec §5.3.3.1). */
function ipsOf(list: unknown, chosen: number): string[] {
  const ips: string[] = [];
  if (!Array.isArray(list)) return ips;
  for (const ip of list as unknown[]) {
    if (!isPlainObject(ip) || typeof ip.address !== 'string') continue;
    const index = typeof ip.interface === 'number' ? ip.interface : -1;
    if (chosen >= 0 ? index !== chosen : index >= 0) continue;
    const slash = ip.address.indexOf('/');
    const address = slash < 0 ? ip.address : ip.address.slice(0, slash);
    if (parseIp(address) !== undefined) ips.push(address);
  }
  return ips;
}

function dnsOf(v: unknown): NetworkStatusDns | undefined {
  if (!isPlainObject(v)) return undefined;
  const d: NetworkStatusDns = {};
  const ns = stringList(v.nameservers);
  if (ns !== undefined) d.nameservers = ns;
  if (typeof v.domain === 'string' && v.domain !== '') d.domain = v.domain;
  const search = stringList(v.search);
  if (search !== undefined) d.search = search;
  const options = stringList(v.options);
  if (options !== undefined) d.options = options;
  return Object.keys(d).length > 0 ? d : undefined;
}

/** Like Multus, the gateways of default routes (0.0.0.0/0, ::/0). */
function defaultGatewaysOf(routes: unknown): string[] {
  const gateways: string[] = [];
  if (!Array.isArray(routes)) return gateways;
  for (const r of routes as unknown[]) {
    if (!isPlainObject(r) || typeof r.dst !== 'string' || typeof r.gw !== 'string') continue;
    const dst = parseCidr(r.dst);
    if (dst === undefined || dst.prefix !== 0) continue;
    if (parseIp(r.gw) !== undefined && !gateways.includes(r.gw)) gateways.push(r.gw);
  }
  return gateways;
}

function stringList(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const x of v as unknown[]) if (typeof x === 'string' && x !== '') out.push(x);
  return out.length > 0 ? out : undefined;
}
