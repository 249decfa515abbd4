// Checks of a plugin's `ipam` section, following how the reference IPAM
// plugins read it (containernetworking/plugins: host-local's RangeSet/Range
// canonicalization, static's address list, dhcp). Other IPAM types
// (whereabouts, calico-ipam, …) are accepted unchecked.
import type { FindingOut } from '../common/finding-sink.ts';
import { quote } from '../common/quote.ts';
import { child, error, warning } from '../common/findings.ts';
import {
  gatewayAddressFix,
  gatewayAddressProblem,
  interfaceAddressFix,
  interfaceAddressProblem,
} from '../common/interface-address.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { cidrContainsIp, formatIp, parseCidr, type Cidr, type Family } from '../net/ip.ts';
import {
  checkIpText,
  checkNetworkCidr,
  familyName,
  optArray,
  optIp,
  optString,
  pluginTypeProblem,
  type Json,
  type KeyOf,
} from './field-readers.ts';

/** What the enclosing plugin offers that can stand in for static IPAM data. */
export interface IpamContext {
  /** The plugin's `capabilities` (e.g. `ips`, `ipRanges`), when it is an object. */
  capabilities?: Json;
  /** The plugin's `runtimeConfig`, when it is an object. */
  runtimeConfig?: Json;
}

/** Checks `ipam` and returns its type when the section is usable. An empty
 * `ipam: {}` is the common Multus idiom for "layer 2 only": the plugins treat an
 * empty type as no IPAM, so it returns undefined without a finding. */
export function checkIpam(
  v: unknown,
  path: string,
  ctx: IpamContext,
  out: FindingOut,
): string | undefined {
  if (!isPlainObject(v)) {
    out.push(typeError(path, 'an object', v));
    return undefined;
  }
  const type = optString(v, 'type', path, out);
  if (type === undefined || type === '') {
    if (v.type === undefined && Object.keys(v).length === 0) return undefined;
    if (v.type === undefined || v.type === '') {
      out.push(
        error(
          child(path, 'type'),
          'is required when ipam has settings: the plugin ignores an ipam section without a type and the interface gets no address',
          'set "type" (host-local, static, dhcp, …), or use "ipam": {} for a layer-2 only interface',
        ),
      );
    }
    return undefined;
  }
  const problem = pluginTypeProblem(type);
  if (problem !== undefined) {
    out.push(error(child(path, 'type'), `IPAM type ${quote(type)} ${problem}`));
    return undefined;
  }
  switch (type) {
    case 'host-local':
      checkHostLocal(v, path, ctx, out);
      break;
    case 'static':
      checkStatic(v, path, ctx, out);
      break;
    default:
      // dhcp needs no fields; third-party IPAM plugins define their own.
      break;
  }
  return type;
}

/** A host-local range after defaults, as host-local's Range.Canonicalize fills them. */
interface EffectiveRange {
  family: Family;
  subnet: Cidr;
  start: bigint;
  end: bigint;
  path: string;
}

function checkHostLocal(ipam: Json, path: string, ctx: IpamContext, out: FindingOut): void {
  optString(ipam, 'dataDir', path, out);
  optString(ipam, 'resolvConf', path, out);
  checkRoutes(ipam.routes, child(path, 'routes'), out);

  const sets: RangeSet[] = [];
  // The legacy flat form: host-local prepends it to `ranges` as range set 0.
  const flatKeys = ['rangeStart', 'rangeEnd', 'gateway'].filter((k) => ipam[k] !== undefined);
  if (ipam.subnet !== undefined) {
    const r = checkRange(ipam, path, out);
    if (r !== undefined) sets.push({ ranges: [r], label: `the range in ${path}.subnet` });
  } else if (flatKeys.length > 0) {
    out.push(
      error(
        child(path, flatKeys[0] as string),
        `${flatKeys.join(', ')} without "subnet" is ignored by host-local`,
        'add "subnet" next to it, or move the range into "ranges": [[{"subnet": …, "rangeStart": …}]]',
      ),
    );
  }

  const ranges = optArray(ipam, 'ranges', path, out);
  if (ranges !== undefined && ranges.length > 0 && ipam.subnet !== undefined) {
    out.push(
      warning(
        child(path, 'subnet'),
        'both "subnet" and "ranges" are set; host-local uses both, the flat subnet as the first range set',
        'move the flat subnet into "ranges" so the config says what it does',
      ),
    );
  }
  ranges?.forEach((set, i) => {
    const setPath = child(child(path, 'ranges'), i);
    const checked = checkRangeSet(set, setPath, out);
    if (checked !== undefined) sets.push({ ranges: checked, label: `range set ${setPath}` });
  });

  if (ipam.subnet === undefined && flatKeys.length === 0) checkHasRanges(ipam, path, ctx, out);
  checkSetOverlaps(sets, out);
}

interface RangeSet {
  ranges: EffectiveRange[];
  label: string;
}

/** Without ranges host-local fails every ADD ("no IP ranges specified"),
 * unless the runtime passes them through the ipRanges capability. */
function checkHasRanges(ipam: Json, path: string, ctx: IpamContext, out: FindingOut): void {
  const noRanges =
    ipam.ranges === undefined || (Array.isArray(ipam.ranges) && ipam.ranges.length === 0);
  if (!noRanges || ctx.capabilities?.ipRanges === true) return;
  out.push(
    error(
      child(path, 'ranges'),
      'host-local needs at least one range',
      'add "ranges": [[{"subnet": "10.1.0.0/24"}]] (or the flat "subnet")',
    ),
  );
}

/** host-local refuses range sets that overlap each other. */
function checkSetOverlaps(sets: readonly RangeSet[], out: FindingOut): void {
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) {
      const a = sets[i];
      const b = sets[j];
      if (a === undefined || b === undefined) continue;
      const hit = b.ranges.find((rb) => a.ranges.some((ra) => rangesOverlap(ra, rb)));
      if (hit !== undefined) {
        out.push(
          error(
            hit.path,
            `overlaps ${a.label}; host-local refuses overlapping range sets`,
            'give each range set its own addresses',
          ),
        );
      }
    }
  }
}

function checkRangeSet(set: unknown, path: string, out: FindingOut): EffectiveRange[] | undefined {
  if (!Array.isArray(set)) {
    out.push(
      typeError(
        path,
        'a list of ranges',
        set,
        isPlainObject(set) ? 'wrap the range in brackets: "ranges": [[{…}]]' : undefined,
      ),
    );
    return undefined;
  }
  if (set.length === 0) {
    out.push(
      error(
        path,
        'is an empty range set; host-local refuses it',
        'add a range such as {"subnet": "10.1.0.0/24"} or remove the empty set',
      ),
    );
    return undefined;
  }
  const ranges: EffectiveRange[] = [];
  let ok = true;
  set.forEach((r, i) => {
    const eff = rangeOfSet(r, child(path, i), ranges, out);
    if (eff === undefined) ok = false;
    else ranges.push(eff);
  });
  return ok ? ranges : undefined;
}

/** One range of a set: readable, of the set's family, and apart from the ranges before it. */
function rangeOfSet(
  r: unknown,
  rPath: string,
  before: readonly EffectiveRange[],
  out: FindingOut,
): EffectiveRange | undefined {
  if (!isPlainObject(r)) {
    out.push(typeError(rPath, 'an object', r));
    return undefined;
  }
  const eff = checkRange(r, rPath, out);
  if (eff === undefined) return undefined;
  const first = before[0];
  if (first !== undefined && first.family !== eff.family) {
    out.push(
      error(
        child(rPath, 'subnet'),
        `is ${familyName(eff.family)} but this range set is ${familyName(first.family)}; a range set holds one family`,
        'put each family in its own range set: "ranges": [[{v4…}], [{v6…}]]',
      ),
    );
    return undefined;
  }
  const clash = before.find((other) => rangesOverlap(other, eff));
  if (clash === undefined) return eff;
  out.push(
    error(
      child(rPath, 'subnet'),
      `overlaps the range at ${clash.path}`,
      'ranges in one set must not share addresses',
    ),
  );
  return undefined;
}

/** One host-local range (also the legacy flat form, which uses the same keys). */
function checkRange(r: Json, path: string, out: FindingOut): EffectiveRange | undefined {
  const before = out.length;
  const subnet = checkRangeSubnet(r, path, out);
  if (subnet === undefined) return undefined;
  const startIp = addressIn({ o: r, key: 'rangeStart', base: path }, subnet, out);
  const endIp = addressIn({ o: r, key: 'rangeEnd', base: path }, subnet, out);
  addressIn({ o: r, key: 'gateway', base: path }, subnet, out);
  const start = startIp ?? subnet.network + 1n;
  // host-local's default end leaves out the IPv4 broadcast address.
  const end = endIp ?? (subnet.family === 4 ? subnet.broadcast - 1n : subnet.broadcast);
  const boundsReadable =
    (r.rangeStart === undefined || startIp !== undefined) &&
    (r.rangeEnd === undefined || endIp !== undefined);
  if (boundsReadable && start > end) {
    out.push(
      error(
        child(path, 'rangeStart'),
        `${formatIp(start, subnet.family)} is after rangeEnd ${formatIp(end, subnet.family)}`,
        'swap rangeStart and rangeEnd',
      ),
    );
  }
  if (out.length > before) return undefined;
  return { family: subnet.family, subnet, start, end, path };
}

/** The range's subnet. One with host bits is reported, then checked further as
 * its network, so one run shows every problem of the range. */
function checkRangeSubnet(r: Json, path: string, out: FindingOut): Cidr | undefined {
  if (r.subnet === undefined) {
    out.push(
      error(child(path, 'subnet'), 'is required for every range', 'add "subnet": "10.1.0.0/24"'),
    );
    return undefined;
  }
  const written = typeof r.subnet === 'string' ? parseCidr(r.subnet) : undefined;
  const subnet =
    checkNetworkCidr(r.subnet, child(path, 'subnet'), out) ??
    (written !== undefined ? parseCidr(written.canonical) : undefined);
  if (subnet === undefined) return undefined;
  const bits = subnet.family === 4 ? 32 : 128;
  if (subnet.prefix <= bits - 2) return subnet;
  out.push(
    error(
      child(path, 'subnet'),
      `${subnet.canonical} is too small to allocate from (host-local needs /${bits - 2} or larger)`,
    ),
  );
  return undefined;
}

/** An optional address of the range (rangeStart, rangeEnd, gateway): inside the subnet. */
function addressIn(at: KeyOf, subnet: Cidr, out: FindingOut): bigint | undefined {
  const ip = optIp(at.o, at.key, at.base, out);
  if (ip === undefined) return undefined;
  const field = child(at.base, at.key);
  if (ip.family !== subnet.family) {
    out.push(
      error(
        field,
        `${ip.text} is ${familyName(ip.family)} but subnet ${subnet.canonical} is ${familyName(subnet.family)}`,
      ),
    );
    return undefined;
  }
  if (cidrContainsIp(subnet, ip)) return ip.value;
  out.push(
    error(
      field,
      `${ip.text} is not inside subnet ${subnet.canonical}`,
      `pick an address from ${formatIp(subnet.network, subnet.family)} to ${formatIp(subnet.broadcast, subnet.family)}`,
    ),
  );
  return undefined;
}

function rangesOverlap(a: EffectiveRange, b: EffectiveRange): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

function checkStatic(ipam: Json, path: string, ctx: IpamContext, out: FindingOut): void {
  checkRoutes(ipam.routes, child(path, 'routes'), out);
  if (ipam.dns !== undefined) checkDns(ipam.dns, child(path, 'dns'), out);
  const addresses = optArray(ipam, 'addresses', path, out);
  addresses?.forEach((a, i) => checkStaticAddress(a, child(child(path, 'addresses'), i), out));
  if (addresses === undefined || addresses.length === 0) {
    // static then returns no IP; fine only when the pod supplies them.
    const fromRuntime =
      ctx.capabilities?.ips === true ||
      (Array.isArray(ctx.runtimeConfig?.ips) && ctx.runtimeConfig.ips.length > 0);
    if (!fromRuntime && (addresses !== undefined || ipam.addresses === undefined)) {
      out.push(
        warning(
          child(path, 'addresses'),
          'static IPAM without addresses gives the interface no IP address',
          'add "addresses": [{"address": "10.1.1.5/24"}], or set "capabilities": {"ips": true} on the plugin and request IPs in the pod annotation',
        ),
      );
    }
  }
}

function checkStaticAddress(a: unknown, path: string, out: FindingOut): void {
  if (!isPlainObject(a)) {
    out.push(typeError(path, 'an object', a));
    return;
  }
  if (a.address === undefined) {
    out.push(
      error(
        child(path, 'address'),
        'is required',
        'add "address": "10.1.1.5/24" (the IP with its prefix length)',
      ),
    );
    return;
  }
  const aPath = child(path, 'address');
  if (typeof a.address !== 'string') {
    out.push(typeError(aPath, 'a string', a.address));
    return;
  }
  const cidr = parseCidr(a.address);
  if (cidr === undefined) {
    out.push(
      error(
        aPath,
        `${quote(a.address)} is not an address with a prefix length`,
        'write the IP and its prefix length, e.g. 10.1.1.5/24',
      ),
    );
    return;
  }
  const problem = interfaceAddressProblem(cidr.address, cidr.prefix);
  if (problem !== undefined) {
    out.push(error(aPath, `${quote(a.address)} ${problem}`, interfaceAddressFix(cidr.address)));
    return;
  }
  // An interface address must name a host: the network and broadcast addresses
  // of an IPv4 subnet (up to /30) are not usable as one.
  if (
    cidr.family === 4 &&
    cidr.prefix <= 30 &&
    (cidr.address.value === cidr.network || cidr.address.value === cidr.broadcast)
  ) {
    const which = cidr.address.value === cidr.network ? 'network' : 'broadcast';
    out.push(
      error(
        aPath,
        `${cidr.address.text} is the ${which} address of ${cidr.canonical}, not a host address`,
        `use a host address such as ${formatIp(cidr.network + 1n, 4)}/${cidr.prefix}`,
      ),
    );
  }
  checkStaticGateway(a, path, cidr, out);
}

/** The address's optional gateway: same family, inside the address's subnet. */
function checkStaticGateway(a: Json, path: string, cidr: Cidr, out: FindingOut): void {
  const gw = optIp(a, 'gateway', path, out);
  if (gw === undefined) return;
  const problem = gatewayAddressProblem(gw);
  if (problem !== undefined) {
    out.push(error(child(path, 'gateway'), `${quote(gw.text)} ${problem}`, gatewayAddressFix(gw)));
  } else if (gw.family !== cidr.family) {
    out.push(
      error(
        child(path, 'gateway'),
        `${gw.text} is ${familyName(gw.family)} but the address is ${familyName(cidr.family)}`,
      ),
    );
  } else if (!cidrContainsIp(cidr, gw)) {
    out.push(
      error(
        child(path, 'gateway'),
        `${gw.text} is not inside ${cidr.canonical}, so it is not reachable on this interface`,
        `use a gateway inside ${cidr.canonical} or add a route to it`,
      ),
    );
  }
}

/** `routes`: [{dst: CIDR, gw?: IP}]; the kernel refuses a destination with host bits. */
export function checkRoutes(v: unknown, path: string, out: FindingOut): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) {
    out.push(typeError(path, 'a list', v));
    return;
  }
  v.forEach((r, i) => {
    const rPath = child(path, i);
    if (!isPlainObject(r)) {
      out.push(typeError(rPath, 'an object', r));
      return;
    }
    if (r.dst === undefined) {
      out.push(
        error(
          child(rPath, 'dst'),
          'is required for every route',
          'add "dst", e.g. "0.0.0.0/0" for a default route',
        ),
      );
      return;
    }
    const dst = checkNetworkCidr(r.dst, child(rPath, 'dst'), out);
    const gw = optIp(r, 'gw', rPath, out);
    if (dst !== undefined && gw !== undefined && dst.family !== gw.family) {
      out.push(
        error(
          child(rPath, 'gw'),
          `${gw.text} is ${familyName(gw.family)} but dst ${dst.canonical} is ${familyName(dst.family)}`,
        ),
      );
    }
  });
}

/** The CNI `dns` object: nameservers (IPs), domain, search, options. */
export function checkDns(v: unknown, path: string, out: FindingOut): void {
  if (!isPlainObject(v)) {
    out.push(typeError(path, 'an object', v));
    return;
  }
  optString(v, 'domain', path, out);
  for (const key of ['nameservers', 'search', 'options']) {
    const list = optArray(v, key, path, out);
    list?.forEach((item, i) => {
      const p = child(child(path, key), i);
      if (key === 'nameservers') checkIpText(item, p, out);
      else if (typeof item !== 'string') out.push(typeError(p, 'a string', item));
    });
  }
}
