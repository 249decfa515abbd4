// Checks of a host-local IPAM section, as host-local reads it
// (containernetworking/plugins: LoadIPAMConfig, RangeSet and Range.Canonicalize):
// the legacy flat range and `ranges`, their subnets, bounds and gateways, and
// the overlaps host-local refuses.
import type { FindingOut } from '../common/finding-sink.ts';
import { child, error, warning } from '../common/findings.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { cidrContainsIp, formatIp, parseCidr, type Cidr, type Family } from '../net/ip.ts';
import {
  checkNetworkCidr,
  familyName,
  optArray,
  optIp,
  optString,
  type Json,
  type KeyOf,
} from './field-readers.ts';
import { checkMisspeltKeys, KNOWN_KEYS } from './known-keys.ts';
import { checkRoutes } from './routes-and-dns.ts';

/** What the enclosing plugin offers: ranges through the ipRanges capability. */
export interface HostLocalContext {
  capabilities?: Json | undefined;
}

/** A host-local range after defaults, as host-local's Range.Canonicalize fills them. */
interface EffectiveRange {
  family: Family;
  subnet: Cidr;
  start: bigint;
  end: bigint;
  path: string;
}

export function checkHostLocal(
  ipam: Json,
  path: string,
  ctx: HostLocalContext,
  out: FindingOut,
): void {
  checkMisspeltKeys({ obj: ipam, path, owner: 'host-local' }, KNOWN_KEYS.hostLocal, out);
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
function checkHasRanges(ipam: Json, path: string, ctx: HostLocalContext, out: FindingOut): void {
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
  checkMisspeltKeys({ obj: r, path: rPath, owner: 'a host-local range' }, KNOWN_KEYS.range, out);
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
  const ok = out.length === before;
  checkRangeGateway({ o: r, key: 'gateway', base: path }, subnet, out);
  return ok ? { family: subnet.family, subnet, start, end, path } : undefined;
}

/** The range's gateway: host-local hands it to the pod as it is, without
 * checking it against the subnet, so one outside is only a warning. */
function checkRangeGateway(at: KeyOf, subnet: Cidr, out: FindingOut): void {
  const ip = optIp(at.o, at.key, at.base, out);
  if (ip === undefined || cidrContainsIp(subnet, ip)) return;
  const where =
    ip.family !== subnet.family
      ? `is ${familyName(ip.family)} but subnet ${subnet.canonical} is ${familyName(subnet.family)}`
      : `is not inside subnet ${subnet.canonical}`;
  out.push(
    warning(
      child(at.base, at.key),
      `${ip.text} ${where}; host-local does not check it and hands it to the pod as its gateway, which it may not reach`,
      `pick the router's address in ${subnet.canonical}, or omit "gateway" for the first address of the subnet`,
    ),
  );
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

/** An optional bound of the range (rangeStart, rangeEnd): inside the subnet, as host-local requires. */
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
