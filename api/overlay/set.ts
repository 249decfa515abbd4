// Rules between OverlayNetworks: networks must not overlap each other or the
// cluster/service CIDRs, VNIs must differ (each names a device plexus.<VNI>),
// and etcd prefixes must differ and not nest inside another's leases.
// Items may be invalid: whatever cannot be read is skipped here (checkOverlayNetwork
// reports it). checkOverlayNetworkSetByObject attributes each finding to its
// object; checkOverlayNetworkSet puts the object into the field path
// (`OverlayNetwork[blue].spec.network`); checkOverlayNetworkAgainst is about
// one candidate, so its paths are plain (`spec.network`).
import { error, isPlainObject, type Finding } from '../findings.ts';
import { cidrsOverlap, parseCidr, type Cidr } from '../net/ip.ts';
import { DEFAULT_ETCD_PREFIX_ROOT, type OverlayNetwork } from '../resources/overlay-network.ts';

export interface ClusterCidrOptions {
  /** The cluster (pod) network CIDRs, e.g. 10.244.0.0/16. */
  clusterCidrs?: string[];
  /** The Service CIDRs, e.g. 10.96.0.0/12. */
  serviceCidrs?: string[];
}

interface Entry {
  name: string;
  cidr?: Cidr;
  vni?: number;
  etcdPrefix?: string;
}

interface Reserved {
  what: string;
  cidr: Cidr;
}

/** At most this many overlaps are listed for one candidate. */
const MAX_LISTED = 5;

function entryOf(on: unknown, index: number): Entry {
  const o = isPlainObject(on) ? on : {};
  const meta = isPlainObject(o.metadata) ? o.metadata : {};
  const spec = isPlainObject(o.spec) ? o.spec : {};
  const backend = isPlainObject(spec.backend) ? spec.backend : {};
  const name = typeof meta.name === 'string' ? meta.name : `#${index}`;
  const cidr = typeof spec.network === 'string' ? parseCidr(spec.network) : undefined;
  const entry: Entry = { name };
  if (cidr !== undefined && cidr.family === 4) entry.cidr = cidr;
  if (typeof backend.vni === 'number' && Number.isInteger(backend.vni)) entry.vni = backend.vni;
  if (typeof spec.etcdPrefix === 'string') entry.etcdPrefix = spec.etcdPrefix;
  else if (typeof meta.name === 'string')
    entry.etcdPrefix = `${DEFAULT_ETCD_PREFIX_ROOT}/${meta.name}`;
  return entry;
}

function reservedOf(opts: ClusterCidrOptions | undefined, findings: Finding[]): Reserved[] {
  const out: Reserved[] = [];
  const add = (list: string[] | undefined, what: string, field: string): void => {
    (list ?? []).forEach((text, i) => {
      const cidr = parseCidr(text);
      if (cidr === undefined)
        findings.push(
          error(
            `${field}[${i}]`,
            `${JSON.stringify(text)} is not a CIDR, so overlaps with it cannot be checked`,
          ),
        );
      else out.push({ what: `the ${what} ${cidr.canonical}`, cidr });
    });
  };
  add(opts?.clusterCidrs, 'cluster CIDR', 'options.clusterCidrs');
  add(opts?.serviceCidrs, 'service CIDR', 'options.serviceCidrs');
  return out;
}

const overlapMessage = (e: Entry & { cidr: Cidr }, other: Entry & { cidr: Cidr }): string =>
  e.cidr.canonical === other.cidr.canonical
    ? `${e.cidr.canonical} is the same network as OverlayNetwork "${other.name}"`
    : `${e.cidr.canonical} overlaps OverlayNetwork "${other.name}" (${other.cidr.canonical})`;
const FREE_NETWORK_FIX =
  'choose a network that overlaps no other OverlayNetwork, cluster or service CIDR';
const vniMessage = (vni: number, other: string): string =>
  `VNI ${vni} is already used by OverlayNetwork "${other}"`;
const VNI_FIX = 'pick an unused VNI: each network gets its own VXLAN device plexus.<VNI>';
const PREFIX_FIX =
  'omit etcdPrefix (the default is /plexus.dev/networks/<name>) or choose an unused prefix';

/** `p` lies under `q/subnets`, where flanneld and the agents read leases of `q`. */
function leaseParentOf(p: string, prefixes: ReadonlyMap<string, string>): string | undefined {
  const segs = p.split('/');
  for (let i = 2; i < segs.length; i++) {
    if (segs[i] !== 'subnets') continue;
    const owner = prefixes.get(segs.slice(0, i).join('/'));
    if (owner !== undefined) return owner;
  }
  return undefined;
}

/** A finding about one object of a set; `finding.field` is relative to that
 * object (`spec.network`). `object` is the OverlayNetwork's name, or '' for
 * findings about the options. */
export interface ObjectFinding {
  object: string;
  finding: Finding;
}

/** Problems between the objects of one set (a folder of manifests, or the
 * cluster's list), each attributed to its object. O(n log n): overlaps by one
 * sweep over networks sorted by start, VNIs and prefixes through maps. Each
 * object that lies inside another is reported once, naming the innermost
 * network that contains it. */
export function checkOverlayNetworkSetByObject(
  items: readonly OverlayNetwork[],
  opts?: ClusterCidrOptions,
): ObjectFinding[] {
  const out: ObjectFinding[] = [];
  const optionFindings: Finding[] = [];
  const reserved = reservedOf(opts, optionFindings);
  for (const finding of optionFindings) out.push({ object: '', finding });
  const entries = items.map((on, i) => entryOf(on, i));
  const add = (e: Entry, finding: Finding): void => {
    out.push({ object: e.name, finding });
  };

  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name))
      add(
        e,
        error(
          'metadata.name',
          `OverlayNetwork "${e.name}" is defined more than once`,
          'rename or remove one of them',
        ),
      );
    names.add(e.name);
  }

  // CIDRs either nest or are disjoint, so a stack of the networks that
  // contain the current start finds every overlap in one pass.
  const withCidr = entries.filter((e): e is Entry & { cidr: Cidr } => e.cidr !== undefined);
  withCidr.sort((a, b) =>
    a.cidr.network < b.cidr.network
      ? -1
      : a.cidr.network > b.cidr.network
        ? 1
        : a.cidr.prefix - b.cidr.prefix || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const stack: (Entry & { cidr: Cidr })[] = [];
  for (const e of withCidr) {
    while (
      stack.length > 0 &&
      (stack[stack.length - 1] as Entry & { cidr: Cidr }).cidr.broadcast < e.cidr.network
    )
      stack.pop();
    const outer = stack[stack.length - 1];
    if (outer !== undefined)
      add(e, error('spec.network', overlapMessage(e, outer), FREE_NETWORK_FIX));
    stack.push(e);
    for (const r of reserved) {
      if (cidrsOverlap(e.cidr, r.cidr))
        add(e, error('spec.network', `${e.cidr.canonical} overlaps ${r.what}`, FREE_NETWORK_FIX));
    }
  }

  const vnis = new Map<number, string>();
  for (const e of entries) {
    if (e.vni === undefined) continue;
    const other = vnis.get(e.vni);
    if (other !== undefined) add(e, error('spec.backend.vni', vniMessage(e.vni, other), VNI_FIX));
    else vnis.set(e.vni, e.name);
  }

  const prefixes = new Map<string, string>();
  for (const e of entries) {
    if (e.etcdPrefix === undefined) continue;
    const other = prefixes.get(e.etcdPrefix);
    if (other !== undefined)
      add(
        e,
        error(
          'spec.etcdPrefix',
          `${e.etcdPrefix} is already the etcd prefix of OverlayNetwork "${other}"`,
          PREFIX_FIX,
        ),
      );
    else prefixes.set(e.etcdPrefix, e.name);
  }
  for (const e of entries) {
    if (e.etcdPrefix === undefined) continue;
    const owner = leaseParentOf(e.etcdPrefix, prefixes);
    if (owner !== undefined && owner !== e.name) {
      add(
        e,
        error(
          'spec.etcdPrefix',
          `${e.etcdPrefix} lies among the leases of OverlayNetwork "${owner}" (its <prefix>/subnets/)`,
          PREFIX_FIX,
        ),
      );
    }
  }
  return out;
}

/** checkOverlayNetworkSet as plain findings: each field path names its object,
 * `OverlayNetwork[blue].spec.network`. */
export function checkOverlayNetworkSet(
  items: readonly OverlayNetwork[],
  opts?: ClusterCidrOptions,
): Finding[] {
  return checkOverlayNetworkSetByObject(items, opts).map(({ object, finding }) =>
    object === '' ? finding : { ...finding, field: `OverlayNetwork[${object}].${finding.field}` },
  );
}

/** Problems of one candidate (being created or updated) against the stored
 * objects; the object with the candidate's name is skipped. O(n). */
export function checkOverlayNetworkAgainst(
  candidate: OverlayNetwork,
  existing: readonly OverlayNetwork[],
  opts?: ClusterCidrOptions,
): Finding[] {
  const findings: Finding[] = [];
  const reserved = reservedOf(opts, findings);
  const c = entryOf(candidate, 0);
  const others = existing.map((on, i) => entryOf(on, i + 1)).filter((e) => e.name !== c.name);

  if (c.cidr !== undefined) {
    const cc = c as Entry & { cidr: Cidr };
    const hits = others.filter(
      (e): e is Entry & { cidr: Cidr } => e.cidr !== undefined && cidrsOverlap(cc.cidr, e.cidr),
    );
    for (const e of hits.slice(0, MAX_LISTED))
      findings.push(error('spec.network', overlapMessage(cc, e), FREE_NETWORK_FIX));
    if (hits.length > MAX_LISTED) {
      findings.push(
        error(
          'spec.network',
          `${cc.cidr.canonical} also overlaps ${hits.length - MAX_LISTED} more OverlayNetworks`,
          FREE_NETWORK_FIX,
        ),
      );
    }
    for (const r of reserved) {
      if (cidrsOverlap(cc.cidr, r.cidr))
        findings.push(
          error('spec.network', `${cc.cidr.canonical} overlaps ${r.what}`, FREE_NETWORK_FIX),
        );
    }
  }
  if (c.vni !== undefined) {
    const other = others.find((e) => e.vni === c.vni);
    if (other !== undefined)
      findings.push(error('spec.backend.vni', vniMessage(c.vni, other.name), VNI_FIX));
  }
  if (c.etcdPrefix !== undefined) {
    const p = c.etcdPrefix;
    const same = others.find((e) => e.etcdPrefix === p);
    if (same !== undefined)
      findings.push(
        error(
          'spec.etcdPrefix',
          `${p} is already the etcd prefix of OverlayNetwork "${same.name}"`,
          PREFIX_FIX,
        ),
      );
    const prefixes = new Map<string, string>();
    for (const e of others) if (e.etcdPrefix !== undefined) prefixes.set(e.etcdPrefix, e.name);
    const owner = leaseParentOf(p, prefixes);
    if (owner !== undefined) {
      findings.push(
        error(
          'spec.etcdPrefix',
          `${p} lies among the leases of OverlayNetwork "${owner}" (its <prefix>/subnets/)`,
          PREFIX_FIX,
        ),
      );
    }
    const inside = others.find(
      (e) => e.etcdPrefix !== undefined && e.etcdPrefix.startsWith(`${p}/subnets/`),
    );
    if (inside !== undefined) {
      findings.push(
        error(
          'spec.etcdPrefix',
          `the leases under ${p}/subnets/ would include the etcd prefix of OverlayNetwork "${inside.name}"`,
          PREFIX_FIX,
        ),
      );
    }
  }
  return findings;
}
