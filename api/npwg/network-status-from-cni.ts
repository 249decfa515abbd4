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

  let chosen = -1;
  const interfaces = Array.isArray(result.interfaces) ? (result.interfaces as unknown[]) : [];
  for (let i = 0; i < interfaces.length; i++) {
    const itf = interfaces[i];
    if (!isPlainObject(itf) || typeof itf.sandbox !== 'string' || itf.sandbox === '') continue;
    if (itf.name === opts.ifName) {
      chosen = i;
      break;
    }
    if (chosen < 0) chosen = i;
  }
  const itf = chosen >= 0 ? (interfaces[chosen] as Record<string, unknown>) : undefined;
  if (itf !== undefined) {
    if (typeof itf.name === 'string' && itf.name !== '') status.interface = itf.name;
    if (typeof itf.mac === 'string' && itf.mac !== '') status.mac = itf.mac;
    // CNI 1.1 results carry the MTU.
    if (typeof itf.mtu === 'number' && Number.isInteger(itf.mtu) && itf.mtu > 0)
      status.mtu = itf.mtu;
  }

  const ips: string[] = [];
  if (Array.isArray(result.ips)) {
    for (const ip of result.ips as unknown[]) {
      if (!isPlainObject(ip) || typeof ip.address !== 'string') continue;
      const index = typeof ip.interface === 'number' ? ip.interface : -1;
      // With a sandbox interface take its IPs; without one, the IPs tied to no interface (spec §5.3.3.1).
      if (chosen >= 0 ? index !== chosen : index >= 0) continue;
      const slash = ip.address.indexOf('/');
      const address = slash < 0 ? ip.address : ip.address.slice(0, slash);
      if (parseIp(address) !== undefined) ips.push(address);
    }
  }
  if (ips.length > 0) status.ips = ips;

  status.default = opts.isDefault;

  const dns = isPlainObject(result.dns) ? result.dns : undefined;
  if (dns !== undefined) {
    const d: NetworkStatusDns = {};
    const ns = stringList(dns.nameservers);
    if (ns !== undefined) d.nameservers = ns;
    if (typeof dns.domain === 'string' && dns.domain !== '') d.domain = dns.domain;
    const search = stringList(dns.search);
    if (search !== undefined) d.search = search;
    const options = stringList(dns.options);
    if (options !== undefined) d.options = options;
    if (
      d.nameservers !== undefined ||
      d.domain !== undefined ||
      d.search !== undefined ||
      d.options !== undefined
    )
      status.dns = d;
  }

  // Like Multus, report the gateways of default routes (0.0.0.0/0, ::/0).
  const gateways: string[] = [];
  if (Array.isArray(result.routes)) {
    for (const r of result.routes as unknown[]) {
      if (!isPlainObject(r) || typeof r.dst !== 'string' || typeof r.gw !== 'string') continue;
      const dst = parseCidr(r.dst);
      if (dst === undefined || dst.prefix !== 0) continue;
      if (parseIp(r.gw) !== undefined && !gateways.includes(r.gw)) gateways.push(r.gw);
    }
  }
  if (gateways.length > 0) status.gateway = gateways;

  if (opts.deviceInfo !== undefined) status['device-info'] = opts.deviceInfo;
  return status;
}

function stringList(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const x of v as unknown[]) if (typeof x === 'string' && x !== '') out.push(x);
  return out.length > 0 ? out : undefined;
}
