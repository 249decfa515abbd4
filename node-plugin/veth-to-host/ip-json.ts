// Reads what `ip -json` prints (links, addresses, routes) into the few typed
// fields veth-to-host uses. iproute2 prints one JSON array per command, so a
// batch run prints one line per command.

export interface LinkInfo {
  ifname: string;
  mtu?: number;
  address?: string;
  /** Administratively up (IFF_UP). */
  up: boolean;
  /** `linkinfo.info_kind` (with `ip -details`), e.g. "veth". */
  kind?: string;
}

export interface AddressInfo {
  ifname: string;
  family: 4 | 6;
  local: string;
  scope?: string;
}

/** One route as `ip -json route` prints it; `dst` is "default", an address (a host
 * route) or a CIDR. */
export interface RouteInfo {
  dst: string;
  gateway?: string;
  dev?: string;
  prefsrc?: string;
  scope?: string;
  protocol?: string;
  metric?: number;
  flags: string[];
  /** Present on multipath routes, which veth-to-host does not move. */
  multipath: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The JSON arrays of a `-json -batch` run, one per non-empty line; throws on other output. */
export function parseJsonLines(stdout: string): unknown[][] {
  const out: unknown[][] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const v = JSON.parse(line) as unknown;
    if (!Array.isArray(v)) throw new Error(`ip -json printed ${typeof v}, not a list`);
    out.push(v);
  }
  return out;
}

export function readLinks(list: readonly unknown[]): LinkInfo[] {
  const out: LinkInfo[] = [];
  for (const l of list) {
    if (!isObject(l) || typeof l.ifname !== 'string') continue;
    const flags = Array.isArray(l.flags) ? l.flags : [];
    const info = isObject(l.linkinfo) ? l.linkinfo : {};
    out.push({
      ifname: l.ifname,
      mtu: typeof l.mtu === 'number' ? l.mtu : undefined,
      address: str(l.address),
      up: flags.includes('UP'),
      kind: str(info.info_kind),
    });
  }
  return out;
}

export function readAddresses(list: readonly unknown[]): AddressInfo[] {
  const out: AddressInfo[] = [];
  for (const l of list) {
    if (!isObject(l) || typeof l.ifname !== 'string' || !Array.isArray(l.addr_info)) continue;
    for (const a of l.addr_info) {
      if (!isObject(a) || typeof a.local !== 'string') continue;
      const family = a.family === 'inet' ? 4 : a.family === 'inet6' ? 6 : undefined;
      if (family === undefined) continue;
      out.push({ ifname: l.ifname, family, local: a.local, scope: str(a.scope) });
    }
  }
  return out;
}

export function readRoutes(list: readonly unknown[]): RouteInfo[] {
  const out: RouteInfo[] = [];
  for (const r of list) {
    if (!isObject(r) || typeof r.dst !== 'string') continue;
    out.push({
      dst: r.dst,
      gateway: str(r.gateway),
      dev: str(r.dev),
      prefsrc: str(r.prefsrc),
      scope: str(r.scope),
      protocol: str(r.protocol),
      metric: typeof r.metric === 'number' ? r.metric : undefined,
      flags: Array.isArray(r.flags) ? r.flags.filter((f) => typeof f === 'string') : [],
      multipath: Array.isArray(r.nexthops),
    });
  }
  return out;
}

export interface NeighbourInfo {
  dst: string;
  dev?: string;
  lladdr?: string;
  permanent: boolean;
}

export function readNeighbours(list: readonly unknown[]): NeighbourInfo[] {
  const out: NeighbourInfo[] = [];
  for (const n of list) {
    if (!isObject(n) || typeof n.dst !== 'string') continue;
    const state = Array.isArray(n.state) ? n.state : [];
    out.push({
      dst: n.dst,
      dev: str(n.dev),
      lladdr: str(n.lladdr),
      permanent: state.includes('PERMANENT'),
    });
  }
  return out;
}
