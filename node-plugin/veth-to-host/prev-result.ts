// The previous plugin's result (prevResult): read for the pod's underlay
// addresses on CNI_IFNAME, and returned with the veth added, in the config's
// CNI version.
import {
  child,
  error,
  isPlainObject,
  typeError,
  type Checked,
  type Finding,
} from '../../api/common/index.ts';
import { compareCniVersions } from '../../api/cni/index.ts';
import { parseCidr, type Family, type IpAddress } from '../../api/net/index.ts';

/** More addresses than this on one interface is not a pod. */
export const MAX_POD_ADDRESSES = 32;

export interface PrevResult {
  /** The result as given; never changed (resultWithVeth copies). */
  raw: Record<string, unknown>;
  /** The pod's addresses on CNI_IFNAME, in result order. */
  podIPs: IpAddress[];
}

const FIELD = 'prevResult';

/** Which interface names the result lists, by index (undefined where malformed). */
function interfaceNames(raw: Record<string, unknown>, findings: Finding[]): (string | undefined)[] {
  if (raw.interfaces === undefined) return [];
  if (!Array.isArray(raw.interfaces)) {
    findings.push(typeError(child(FIELD, 'interfaces'), 'a list', raw.interfaces));
    return [];
  }
  return raw.interfaces.map((i: unknown) =>
    isPlainObject(i) && typeof i.name === 'string' ? i.name : undefined,
  );
}

/** The address of one `ips` entry when it belongs to ifName. */
function podAddress(
  ip: unknown,
  at: string,
  names: readonly (string | undefined)[],
  ifName: string,
): IpAddress | Finding | undefined {
  if (!isPlainObject(ip)) return typeError(at, 'an object', ip);
  const text = ip.address;
  const cidr = typeof text === 'string' ? parseCidr(text) : undefined;
  if (cidr === undefined)
    return error(child(at, 'address'), 'must be an address with a prefix length, e.g. 10.1.2.3/24');
  if (ip.interface === undefined) return cidr.address;
  const idx = ip.interface;
  if (typeof idx !== 'number' || !Number.isInteger(idx) || idx < 0 || idx >= names.length) {
    const range = names.length === 0 ? 'the result lists none' : `0–${names.length - 1}`;
    return error(child(at, 'interface'), `must index the result's interfaces (${range})`);
  }
  return names[idx] === ifName ? cidr.address : undefined;
}

/** Reads prevResult: it must exist (veth-to-host is chained) and give ifName an address. */
export function readPrevResult(prev: unknown, ifName: string): Checked<PrevResult> {
  if (prev === undefined || prev === null)
    return {
      findings: [
        error(
          FIELD,
          'is required: veth-to-host is a chained plugin and connects the interface the plugin before it created',
          'put veth-to-host after macvlan or ipvlan in a plugin list',
        ),
      ],
    };
  if (!isPlainObject(prev)) return { findings: [typeError(FIELD, 'an object', prev)] };
  const findings: Finding[] = [];
  const names = interfaceNames(prev, findings);
  const ips = prev.ips ?? [];
  if (!Array.isArray(ips)) return { findings: [typeError(child(FIELD, 'ips'), 'a list', ips)] };
  const podIPs: IpAddress[] = [];
  ips.forEach((ip: unknown, i) => {
    const got = podAddress(ip, child(child(FIELD, 'ips'), i), names, ifName);
    if (got === undefined) return;
    if ('field' in got) findings.push(got);
    else podIPs.push(got);
  });
  if (findings.length > 0) return { findings };
  if (podIPs.length === 0)
    return {
      findings: [
        error(
          child(FIELD, 'ips'),
          `gives ${ifName} no address, so there is nothing to route to the node`,
          'give the plugin before veth-to-host an ipam (e.g. host-local) so the pod gets an underlay address',
        ),
      ],
    };
  if (podIPs.length > MAX_POD_ADDRESSES)
    return {
      findings: [
        error(
          child(FIELD, 'ips'),
          `gives ${ifName} ${podIPs.length} addresses; veth-to-host routes at most ${MAX_POD_ADDRESSES}`,
        ),
      ],
    };
  return { findings, value: { raw: prev, podIPs } };
}

/** The veth as the result lists it. */
export interface VethInterfaces {
  hostVeth: string;
  hostMac: string;
  podVeth: string;
  podMac: string;
  netns: string;
  mtu: number;
}

/** A default route moved to the veth (routeToHost): its family and the node address. */
export interface MovedDefault {
  family: Family;
  gateway: string;
}

function defaultDst(family: Family): string {
  return family === 4 ? '0.0.0.0/0' : '::/0';
}

/** ips[].version exists before CNI 1.0.0 and not from it on. */
function ipsFor(ips: unknown, cniVersion: string): unknown {
  if (!Array.isArray(ips)) return ips;
  const old = compareCniVersions(cniVersion, '1.0.0') < 0;
  return ips.map((ip: unknown) => {
    if (!isPlainObject(ip)) return ip;
    const rest = { ...ip };
    delete rest.version;
    if (!old) return rest;
    const family = typeof ip.address === 'string' ? parseCidr(ip.address)?.family : undefined;
    return family === undefined ? ip : { ...rest, version: String(family) };
  });
}

/** Routes with each moved family's default route pointing at the node. */
function routesFor(routes: unknown, moved: readonly MovedDefault[]): unknown {
  if (moved.length === 0) return routes;
  const list: unknown[] = Array.isArray(routes) ? [...routes] : [];
  for (const m of moved) {
    const dst = defaultDst(m.family);
    let found = false;
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      if (isPlainObject(r) && r.dst === dst) {
        list[i] = { ...r, gw: m.gateway };
        found = true;
      }
    }
    if (!found) list.push({ dst, gw: m.gateway });
  }
  return list;
}

/** The result to return: prevResult with both veth ends appended to `interfaces`
 * (indexes in `ips` stay valid), in the config's CNI version. */
export function resultWithVeth(
  prev: PrevResult,
  cniVersion: string,
  veth: VethInterfaces,
  moved: readonly MovedDefault[],
): Record<string, unknown> {
  const withMtu = compareCniVersions(cniVersion, '1.1.0') >= 0;
  const host: Record<string, unknown> = { name: veth.hostVeth, mac: veth.hostMac };
  const pod: Record<string, unknown> = {
    name: veth.podVeth,
    mac: veth.podMac,
    sandbox: veth.netns,
  };
  if (withMtu) {
    host.mtu = veth.mtu;
    pod.mtu = veth.mtu;
  }
  const interfaces = Array.isArray(prev.raw.interfaces) ? prev.raw.interfaces : [];
  const out: Record<string, unknown> = {
    ...prev.raw,
    cniVersion,
    interfaces: [...interfaces, host, pod],
  };
  if (prev.raw.ips !== undefined) out.ips = ipsFor(prev.raw.ips, cniVersion);
  const routes = routesFor(prev.raw.routes, moved);
  if (routes !== undefined) out.routes = routes;
  return out;
}
