// Rules between OverlayNetworks: networks must not overlap each other or the
// cluster/service CIDRs, VNIs must differ (each names a device plexus.<VNI>),
// and etcd prefixes must differ and not nest inside another's leases. They
// run on resolved networks (checkOverlayNetwork's value), and name each object
// by its position, never by its name, which may be missing or duplicated.
import { appendAll, error, type Finding } from '../common/findings.ts';
import { quote } from '../common/quote.ts';
import { cidrsOverlap, parseCidr, type Cidr } from '../net/ip.ts';
import type { ResolvedOverlay } from './resolved.ts';

export interface ClusterCidrOptions {
  /** The cluster (pod) network CIDRs, e.g. 10.244.0.0/16. */
  clusterCidrs?: readonly string[];
  /** The Service CIDRs, e.g. 10.96.0.0/12. */
  serviceCidrs?: readonly string[];
}

/** A finding about the object at `index` of the checked list. */
export interface IndexedFinding {
  index: number;
  finding: Finding;
}

interface Reserved {
  what: string;
  cidr: Cidr;
}

/** At most this many overlaps are listed for one candidate. */
const MAX_LISTED = 5;
const FREE_NETWORK_FIX =
  'choose a network that overlaps no other OverlayNetwork, cluster or service CIDR';
const VNI_FIX = 'pick an unused VNI: each network gets its own VXLAN device plexus.<VNI>';
const PREFIX_FIX =
  'omit etcdPrefix (the default is /plexus.dev/networks/<name>) or choose an unused prefix';

/** The option CIDRs that do not parse: findings about the options, attached to
 * no object. The set checks skip such CIDRs. */
export function checkClusterCidrs(opts: ClusterCidrOptions | undefined): Finding[] {
  const findings: Finding[] = [];
  const check = (list: readonly string[] | undefined, field: string): void =>
    (list ?? []).forEach((text, i) => {
      if (parseCidr(text) === undefined)
        findings.push(
          error(
            `${field}[${i}]`,
            `${quote(text)} is not a CIDR, so overlaps with it cannot be checked`,
          ),
        );
    });
  check(opts?.clusterCidrs, 'options.clusterCidrs');
  check(opts?.serviceCidrs, 'options.serviceCidrs');
  return findings;
}

function reservedOf(opts: ClusterCidrOptions | undefined): Reserved[] {
  const out: Reserved[] = [];
  const add = (list: readonly string[] | undefined, what: string): void => {
    for (const text of list ?? []) {
      const cidr = parseCidr(text);
      if (cidr !== undefined) out.push({ what: `the ${what} ${cidr.canonical}`, cidr });
    }
  };
  add(opts?.clusterCidrs, 'cluster CIDR');
  add(opts?.serviceCidrs, 'service CIDR');
  return out;
}

const network = (o: ResolvedOverlay): Cidr => o.plan.network;

function overlapMessage(o: ResolvedOverlay, other: ResolvedOverlay): string {
  const a = network(o).canonical;
  const b = network(other).canonical;
  return a === b
    ? `${a} is the same network as ${other.label}`
    : `${a} overlaps ${other.label} (${b})`;
}

function reservedFindings(o: ResolvedOverlay, reserved: readonly Reserved[]): Finding[] {
  const out: Finding[] = [];
  for (const r of reserved)
    if (cidrsOverlap(network(o), r.cidr))
      out.push(
        error('spec.network', `${network(o).canonical} overlaps ${r.what}`, FREE_NETWORK_FIX),
      );
  return out;
}

const vniFinding = (o: ResolvedOverlay, other: ResolvedOverlay): Finding =>
  error(
    'spec.backend.vni',
    `VNI ${o.config.backend.vni} is already used by ${other.label}`,
    VNI_FIX,
  );
const samePrefixFinding = (prefix: string, other: ResolvedOverlay): Finding =>
  error('spec.etcdPrefix', `${prefix} is already the etcd prefix of ${other.label}`, PREFIX_FIX);
const leasePrefixFinding = (prefix: string, owner: ResolvedOverlay): Finding =>
  error(
    'spec.etcdPrefix',
    `${prefix} lies among the leases of ${owner.label} (its <prefix>/subnets/)`,
    PREFIX_FIX,
  );

/** The object whose `<prefix>/subnets/` contains `p`, where flanneld and the agents read leases. */
function leaseParentOf<T>(p: string, prefixes: ReadonlyMap<string, T>): T | undefined {
  const segs = p.split('/');
  for (let i = 2; i < segs.length; i++) {
    if (segs[i] !== 'subnets') continue;
    const owner = prefixes.get(segs.slice(0, i).join('/'));
    if (owner !== undefined) return owner;
  }
  return undefined;
}

/** Problems between the objects of one set (a folder of manifests, or the
 * cluster's list), each at the position of its object in `items`. O(n log n):
 * overlaps by one sweep over networks sorted by start, VNIs and prefixes
 * through maps. An object inside another is reported once, naming the
 * innermost network that contains it. */
export function checkOverlayNetworkSet(
  items: readonly ResolvedOverlay[],
  opts?: ClusterCidrOptions,
): IndexedFinding[] {
  const out: IndexedFinding[] = [];
  const add = (index: number, finding: Finding): void => void out.push({ index, finding });
  checkDuplicateNames(items, add);
  sweepOverlaps(items, reservedOf(opts), add);
  const vnis = new Map<number, ResolvedOverlay>();
  items.forEach((o, i) => {
    const other = vnis.get(o.config.backend.vni);
    if (other !== undefined) add(i, vniFinding(o, other));
    else vnis.set(o.config.backend.vni, o);
  });
  checkPrefixes(items, add);
  return out;
}

type Add = (index: number, finding: Finding) => void;

function checkDuplicateNames(items: readonly ResolvedOverlay[], add: Add): void {
  const names = new Set<string>();
  items.forEach((o, i) => {
    if (o.name === undefined) return;
    if (names.has(o.name))
      add(
        i,
        error(
          'metadata.name',
          `${o.label} is defined more than once`,
          'rename or remove one of them',
        ),
      );
    names.add(o.name);
  });
}

/** CIDRs either nest or are disjoint, so a stack of the networks that contain
 * the current start finds every overlap in one pass. */
function sweepOverlaps(
  items: readonly ResolvedOverlay[],
  reserved: readonly Reserved[],
  add: Add,
): void {
  const order = items.map((_, i) => i);
  const byName = (a: string | undefined, b: string | undefined): number =>
    a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a < b ? -1 : 1;
  order.sort((i, j) => {
    const a = items[i] as ResolvedOverlay;
    const b = items[j] as ResolvedOverlay;
    const na = network(a);
    const nb = network(b);
    if (na.network !== nb.network) return na.network < nb.network ? -1 : 1;
    return na.prefix - nb.prefix || byName(a.name, b.name) || i - j;
  });
  const stack: ResolvedOverlay[] = [];
  for (const i of order) {
    const o = items[i] as ResolvedOverlay;
    while (
      stack.length > 0 &&
      network(stack[stack.length - 1] as ResolvedOverlay).broadcast < network(o).network
    )
      stack.pop();
    const outer = stack[stack.length - 1];
    if (outer !== undefined)
      add(i, error('spec.network', overlapMessage(o, outer), FREE_NETWORK_FIX));
    stack.push(o);
    for (const f of reservedFindings(o, reserved)) add(i, f);
  }
}

function checkPrefixes(items: readonly ResolvedOverlay[], add: Add): void {
  const prefixes = new Map<string, ResolvedOverlay>();
  items.forEach((o, i) => {
    if (o.etcdPrefix === undefined) return;
    const other = prefixes.get(o.etcdPrefix);
    if (other !== undefined) add(i, samePrefixFinding(o.etcdPrefix, other));
    else prefixes.set(o.etcdPrefix, o);
  });
  items.forEach((o, i) => {
    if (o.etcdPrefix === undefined) return;
    const owner = leaseParentOf(o.etcdPrefix, prefixes);
    if (owner !== undefined && owner !== o) add(i, leasePrefixFinding(o.etcdPrefix, owner));
  });
}

/** Problems of one candidate (being created or updated) against the stored
 * objects; a stored object with the candidate's name is the candidate's old
 * self and is skipped. O(n). */
export function checkOverlayNetworkAgainst(
  candidate: ResolvedOverlay,
  existing: readonly ResolvedOverlay[],
  opts?: ClusterCidrOptions,
): Finding[] {
  const others = existing.filter((o) => candidate.name === undefined || o.name !== candidate.name);
  const findings: Finding[] = [];
  const hits = others.filter((o) => cidrsOverlap(network(candidate), network(o)));
  for (const o of hits.slice(0, MAX_LISTED))
    findings.push(error('spec.network', overlapMessage(candidate, o), FREE_NETWORK_FIX));
  if (hits.length > MAX_LISTED)
    findings.push(
      error(
        'spec.network',
        `${network(candidate).canonical} also overlaps ${hits.length - MAX_LISTED} more OverlayNetworks`,
        FREE_NETWORK_FIX,
      ),
    );
  appendAll(findings, reservedFindings(candidate, reservedOf(opts)));
  const sameVni = others.find((o) => o.config.backend.vni === candidate.config.backend.vni);
  if (sameVni !== undefined) findings.push(vniFinding(candidate, sameVni));
  if (candidate.etcdPrefix !== undefined)
    appendAll(findings, prefixFindings(candidate.etcdPrefix, others));
  return findings;
}

function prefixFindings(p: string, others: readonly ResolvedOverlay[]): Finding[] {
  const findings: Finding[] = [];
  const same = others.find((o) => o.etcdPrefix === p);
  if (same !== undefined) findings.push(samePrefixFinding(p, same));
  const prefixes = new Map<string, ResolvedOverlay>();
  for (const o of others) if (o.etcdPrefix !== undefined) prefixes.set(o.etcdPrefix, o);
  const owner = leaseParentOf(p, prefixes);
  if (owner !== undefined) findings.push(leasePrefixFinding(p, owner));
  const inside = others.find((o) => o.etcdPrefix?.startsWith(`${p}/subnets/`) === true);
  if (inside !== undefined)
    findings.push(
      error(
        'spec.etcdPrefix',
        `the leases under ${p}/subnets/ would include the etcd prefix of ${inside.label}`,
        PREFIX_FIX,
      ),
    );
  return findings;
}
