// flannel's subnet leases in etcd: the key `<prefix>/subnets/<a.b.c.d>-<len>`
// and the value flanneld v0.28 writes (json.Marshal of its LeaseAttrs with the
// vxlan backend's attributes), byte for byte, and the reading of both with
// flannel's semantics (its ParseSubnetKey and Go's encoding/json: keys match
// case-insensitively, the last duplicate wins, unknown keys are ignored).
// Plus the one key of Plexus' own under a prefix: which subnet a node holds.
import { checked, child, error, warning, type Checked, type Finding } from '../common/findings.ts';
import { readJsonText } from '../common/json-text.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { quoteValue } from '../common/quote.ts';
import { formatIp, parseIp, parseMac } from '../net/ip.ts';

/** Where flannel keeps leases under a prefix. */
export const SUBNETS_SEGMENT = 'subnets';
/** Where Plexus records which node holds which subnet (`<prefix>/plexus/nodes/<node>`):
 * flanneld lists only `<prefix>/config` and `<prefix>/subnets/`, so it never sees these. */
export const NODE_OWNERS_SEGMENT = 'plexus/nodes';
/** flanneld (up to v0.23) decodes the lease's VNI into a uint16. */
export const FLANNEL_UINT16_VNI_MAX = 65535;
/** Go's uint32, the VNI's type in flanneld's leases since v0.24. */
const UINT32_MAX = 4294967295;

/** A subnet as flannel names it in keys: its network address and prefix length. */
export interface LeaseSubnet {
  /** Network address as a 32-bit unsigned integer. */
  ip: bigint;
  prefixLen: number;
}

/** `10.5.34.0-24`: flannel's MakeSubnetKey for an IPv4-only lease. */
export function subnetKeyName(subnet: LeaseSubnet): string {
  return `${formatIp(subnet.ip, 4)}-${subnet.prefixLen}`;
}

/** `10.5.34.0/24`. */
export function subnetCidrText(subnet: LeaseSubnet): string {
  return `${formatIp(subnet.ip, 4)}/${subnet.prefixLen}`;
}

/** `<prefix>/subnets/` (with the slash: a prefix watch or list on it sees leases only). */
export function subnetsPrefix(etcdPrefix: string): string {
  return `${etcdPrefix}/${SUBNETS_SEGMENT}/`;
}

export function leaseKey(etcdPrefix: string, subnet: LeaseSubnet): string {
  return `${subnetsPrefix(etcdPrefix)}${subnetKeyName(subnet)}`;
}

export function configKey(etcdPrefix: string): string {
  return `${etcdPrefix}/config`;
}

/** `<prefix>/plexus/nodes/`. */
export function nodeOwnersPrefix(etcdPrefix: string): string {
  return `${etcdPrefix}/${NODE_OWNERS_SEGMENT}/`;
}

/** The key whose value names the subnet `node` holds in the network at `etcdPrefix`. */
export function nodeOwnerKey(etcdPrefix: string, node: string): string {
  return `${nodeOwnersPrefix(etcdPrefix)}${node}`;
}

// flannel's subnetRegex, anchored at the start too (keys come from listing
// `<prefix>/subnets/`, so whatever precedes the name is already stripped).
const SUBNET_KEY = /^(\d+\.\d+\.\d+\.\d+)-(\d+)(?:&([a-f\d:]+)-(\d+))?$/;

/** A key name under `<prefix>/subnets/` as flannel's ParseSubnetKey reads it
 * (the IPv6 part of a dual-stack key is ignored), or undefined when flannel
 * would not read it either. */
export function parseSubnetKeyName(name: string): LeaseSubnet | undefined {
  const m = SUBNET_KEY.exec(name);
  if (m === null) return undefined;
  const ip = parseIp(m[1] as string);
  // strconv.ParseUint(s, 10, 5): at most 31.
  const len = Number(m[2]);
  if (ip === undefined || ip.family !== 4 || !Number.isInteger(len) || len > 31) return undefined;
  if ((m[2] as string).length > 2) return undefined;
  return { ip: ip.value, prefixLen: len };
}

/** What a lease says, as flanneld's vxlan backend reads it. */
export interface FlannelLease {
  publicIp: string;
  backendType: string;
  /** Set when backendType is vxlan. */
  vni?: number;
  /** Lower-case colon form; set when backendType is vxlan. */
  vtepMac?: string;
}

/** The value flanneld v0.28 writes for a vxlan lease: LeaseAttrs with
 * `PublicIPv6: null` (a nil pointer without omitempty) and no BackendV6Data. */
export function leaseValue(lease: { publicIp: string; vni: number; vtepMac: string }): string {
  // Hand-built so the key order and spacing are exactly Go's encoding/json output.
  return (
    `{"PublicIP":${JSON.stringify(lease.publicIp)},"PublicIPv6":null,"BackendType":"vxlan",` +
    `"BackendData":{"VNI":${lease.vni},"VtepMAC":${JSON.stringify(lease.vtepMac)}}}`
  );
}

const ATTR_KEYS = ['PublicIP', 'PublicIPv6', 'BackendType', 'BackendData', 'BackendV6Data'];
const VXLAN_KEYS = ['VNI', 'VtepMAC'];

/** Reads a lease value. `value` only when flanneld would decode it; `base`
 * prefixes field paths (e.g. the etcd key). */
export function parseLeaseValue(json: string, base = 'lease'): Checked<FlannelLease> {
  const findings: Finding[] = [];
  const parsed = readJsonText(json, base, findings);
  if (!parsed.ok) return { findings };
  if (!isPlainObject(parsed.value))
    return { findings: [typeError(base, 'a JSON object', parsed.value)] };
  const attrs = foldGoKeys(parsed.value, ATTR_KEYS);
  const publicIp = readPublicIp(attrs.get('PublicIP'), child(base, 'PublicIP'), findings);
  const type = attrs.get('BackendType');
  const backendType = typeof type === 'string' ? type : '';
  if (type !== undefined && type !== null && typeof type !== 'string')
    findings.push(typeError(child(base, 'BackendType'), 'a string', type));
  const lease: FlannelLease = { publicIp: publicIp ?? '', backendType };
  // flanneld's vxlan backend decodes BackendData only for its own type.
  if (backendType === 'vxlan')
    readVxlanData(attrs.get('BackendData'), child(base, 'BackendData'), lease, findings);
  return checked(findings, publicIp === undefined ? undefined : lease);
}

function readPublicIp(raw: unknown, field: string, findings: Finding[]): string | undefined {
  // ip.IP4's UnmarshalJSON trims quotes and parses; a missing key leaves 0.0.0.0.
  if (raw === undefined || raw === null) return '0.0.0.0';
  const ip = typeof raw === 'string' ? parseIp(raw) : undefined;
  if (ip !== undefined && ip.family === 4) return formatIp(ip.value, 4);
  findings.push(error(field, `must be an IPv4 address (got ${quoteValue(raw)})`));
  return undefined;
}

function readVxlanData(
  raw: unknown,
  field: string,
  lease: FlannelLease,
  findings: Finding[],
): void {
  if (!isPlainObject(raw)) {
    findings.push(typeError(field, 'an object with VNI and VtepMAC', raw));
    return;
  }
  const data = foldGoKeys(raw, VXLAN_KEYS);
  const vni = data.get('VNI');
  if (vni === undefined || vni === null) lease.vni = 0;
  else if (typeof vni === 'number' && Number.isInteger(vni) && vni >= 0 && vni <= UINT32_MAX)
    lease.vni = vni;
  else findings.push(error(child(field, 'VNI'), `must fit a uint32 (got ${quoteValue(vni)})`));
  const mac = data.get('VtepMAC');
  const parsed = typeof mac === 'string' ? parseMac(mac) : undefined;
  if (parsed === undefined)
    findings.push(error(child(field, 'VtepMAC'), `must be a MAC address (got ${quoteValue(mac)})`));
  else lease.vtepMac = parsed.text;
}

/** Go's encoding/json: a key matches a struct field case-insensitively and the last one wins. */
function foldGoKeys(obj: Record<string, unknown>, known: readonly string[]): Map<string, unknown> {
  const byFold = new Map(known.map((k) => [k.toLowerCase(), k]));
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(obj)) {
    const k = byFold.get(key.toLowerCase());
    if (k !== undefined) out.set(k, value);
  }
  return out;
}

/** The warning for a VNI that flanneld before v0.24 cannot read from a lease, when
 * the network shares its prefix with flanneld (`field` is where the VNI is set). */
export function uint16VniFinding(vni: number, field: string): Finding | undefined {
  if (vni <= FLANNEL_UINT16_VNI_MAX) return undefined;
  return warning(
    field,
    `VNI ${vni} is above ${FLANNEL_UINT16_VNI_MAX}: flanneld before v0.24 decodes a lease's VNI as a uint16 and cannot read the leases of this network`,
    `use a VNI of at most ${FLANNEL_UINT16_VNI_MAX} when flanneld v0.23 or older shares this etcd prefix`,
  );
}
