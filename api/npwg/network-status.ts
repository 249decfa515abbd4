// The `k8s.v1.cni.cncf.io/network-status` annotation (NPWG spec §5): the
// type, a writer with a stable key order, a checking reader, and the
// conversion from a CNI result the node agent uses after each ADD.
import { child, error, isPlainObject, warning, describeType } from '../findings.ts';
import type { Finding } from '../findings.ts';
import { interfaceNameProblem } from '../names.ts';
import { parseCidr, parseIp, parseMac } from '../net/ip.ts';
import { suggestKey } from './suggest.ts';
import { MAX_ANNOTATION_BYTES, NETWORK_STATUS_ANNOTATION } from './types.ts';
import { show } from './values.ts';

export interface NetworkStatusDns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

export type DeviceInfoType = 'pci' | 'vdpa' | 'vhost-user' | 'memif';

export interface PciDevice {
  'pci-address'?: string;
  'vhost-net'?: string;
  'rdma-device'?: string;
  'pf-pci-address'?: string;
  'representor-device'?: string;
}

export interface VdpaDevice {
  'parent-device'?: string;
  driver?: string;
  path?: string;
  'pci-address'?: string;
  'pf-pci-address'?: string;
  'representor-device'?: string;
}

export interface VhostUserDevice {
  /** `client` or `server`. */
  mode?: string;
  path?: string;
}

export interface MemifDevice {
  /** `master` or `slave`. */
  role?: string;
  path?: string;
  /** `ethernet`, `ip` or `punt`. */
  mode?: string;
}

/** The NPWG device-info object (device info spec v1.1). */
export interface DeviceInfo {
  type: DeviceInfoType;
  version: string;
  pci?: PciDevice;
  vdpa?: VdpaDevice;
  'vhost-user'?: VhostUserDevice;
  memif?: MemifDevice;
}

/** One entry of the network-status annotation. */
export interface NetworkStatus {
  /** `namespace/name` of the NAD, or the cluster network's name. */
  name: string;
  interface?: string;
  /** Addresses without prefix length, as Multus writes them. */
  ips?: string[];
  mac?: string;
  mtu?: number;
  /** True only for the cluster (default) network's entry. */
  default?: boolean;
  dns?: NetworkStatusDns;
  'device-info'?: DeviceInfo;
  /** Default-route gateways the attachment installed. */
  gateway?: string[];
}

export const NETWORK_STATUS_FIELD = child('metadata.annotations', NETWORK_STATUS_ANNOTATION);

const STATUS_KEYS = [
  'name',
  'interface',
  'ips',
  'mac',
  'mtu',
  'default',
  'dns',
  'device-info',
  'gateway',
] as const;
const DNS_KEYS = ['nameservers', 'domain', 'search', 'options'] as const;
const DEVICE_TYPES: ReadonlySet<string> = new Set<DeviceInfoType>([
  'pci',
  'vdpa',
  'vhost-user',
  'memif',
]);
const DEVICE_KEYS = ['type', 'version', 'pci', 'vdpa', 'vhost-user', 'memif'] as const;
const PCI_KEYS = [
  'pci-address',
  'vhost-net',
  'rdma-device',
  'pf-pci-address',
  'representor-device',
] as const;
const VDPA_KEYS = [
  'parent-device',
  'driver',
  'path',
  'pci-address',
  'pf-pci-address',
  'representor-device',
] as const;
const VHOST_KEYS = ['mode', 'path'] as const;
const MEMIF_KEYS = ['role', 'path', 'mode'] as const;
// 6-byte Ethernet, 8-byte EUI-64/GUID and 20-byte IPoIB hardware addresses.
const HWADDR =
  /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}(?:(?::[0-9A-Fa-f]{2}){2}|(?::[0-9A-Fa-f]{2}){14})?$/;

// ---------------------------------------------------------------- writing

/** Serialises entries as the annotation value: a JSON list, keys in the
 * order Multus writes them, empty fields left out (`default` always written,
 * since the spec makes it a required key). */
export function buildNetworkStatus(entries: readonly NetworkStatus[]): string {
  const out: Record<string, unknown>[] = [];
  for (const e of entries) out.push(orderedStatus(e));
  return JSON.stringify(out);
}

function orderedStatus(e: NetworkStatus): Record<string, unknown> {
  const o: Record<string, unknown> = { name: e.name };
  if (nonEmpty(e.interface)) o.interface = e.interface;
  if (e.ips !== undefined && e.ips.length > 0) o.ips = [...e.ips];
  if (nonEmpty(e.mac)) o.mac = e.mac;
  if (e.mtu !== undefined && e.mtu > 0) o.mtu = e.mtu;
  o.default = e.default === true;
  const dns = e.dns === undefined ? undefined : orderedDns(e.dns);
  if (dns !== undefined) o.dns = dns;
  if (e['device-info'] !== undefined) o['device-info'] = orderedDevice(e['device-info']);
  if (e.gateway !== undefined && e.gateway.length > 0) o.gateway = [...e.gateway];
  return o;
}

function orderedDns(d: NetworkStatusDns): Record<string, unknown> | undefined {
  const o: Record<string, unknown> = {};
  if (d.nameservers !== undefined && d.nameservers.length > 0) o.nameservers = [...d.nameservers];
  if (nonEmpty(d.domain)) o.domain = d.domain;
  if (d.search !== undefined && d.search.length > 0) o.search = [...d.search];
  if (d.options !== undefined && d.options.length > 0) o.options = [...d.options];
  return Object.keys(o).length > 0 ? o : undefined;
}

function orderedDevice(d: DeviceInfo): Record<string, unknown> {
  const o: Record<string, unknown> = { type: d.type, version: d.version };
  const pci = d.pci === undefined ? undefined : orderedStrings(d.pci, PCI_KEYS);
  if (pci !== undefined) o.pci = pci;
  const vdpa = d.vdpa === undefined ? undefined : orderedStrings(d.vdpa, VDPA_KEYS);
  if (vdpa !== undefined) o.vdpa = vdpa;
  const vhost =
    d['vhost-user'] === undefined ? undefined : orderedStrings(d['vhost-user'], VHOST_KEYS);
  if (vhost !== undefined) o['vhost-user'] = vhost;
  const memif = d.memif === undefined ? undefined : orderedStrings(d.memif, MEMIF_KEYS);
  if (memif !== undefined) o.memif = memif;
  return o;
}

function orderedStrings(src: object, keys: readonly string[]): Record<string, string> | undefined {
  const o: Record<string, string> = {};
  let any = false;
  for (const k of keys) {
    const v: unknown = (src as Record<string, unknown>)[k];
    if (typeof v === 'string' && v !== '') {
      o[k] = v;
      any = true;
    }
  }
  return any ? o : undefined;
}

function nonEmpty(s: string | undefined): s is string {
  return s !== undefined && s !== '';
}

// ---------------------------------------------------------------- reading

export interface NetworkStatusResult {
  /** Entries with their well-typed fields. Trust them only without errors. */
  entries: NetworkStatus[];
  findings: Finding[];
}

/** Reads and checks a network-status annotation value. Never throws. */
export function parseNetworkStatus(
  value: string,
  field: string = NETWORK_STATUS_FIELD,
): NetworkStatusResult {
  const findings: Finding[] = [];
  const entries: NetworkStatus[] = [];
  if (typeof value !== 'string') {
    findings.push(error(field, `must be a string (got ${describeType(value)})`));
    return { entries, findings };
  }
  if (
    value.length > MAX_ANNOTATION_BYTES ||
    Buffer.byteLength(value, 'utf8') > MAX_ANNOTATION_BYTES
  ) {
    findings.push(
      error(
        field,
        'is larger than 256 KiB, the most Kubernetes stores for all annotations of an object together',
      ),
    );
    return { entries, findings };
  }
  let list: unknown;
  try {
    list = JSON.parse(value) as unknown;
  } catch (e) {
    findings.push(
      error(
        field,
        `is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
        'it must be a JSON list of status objects',
      ),
    );
    return { entries, findings };
  }
  if (!Array.isArray(list)) {
    findings.push(
      error(
        field,
        `must be a JSON list (got ${describeType(list)})`,
        isPlainObject(list) ? 'wrap the object in [ ]' : undefined,
      ),
    );
    return { entries, findings };
  }
  let defaults = 0;
  const interfaces = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const at = child(field, i);
    const entry = readStatus(list[i], at, findings);
    if (entry === undefined) continue;
    entries.push(entry);
    if (entry.default === true) defaults++;
    if (entry.interface !== undefined) {
      const first = interfaces.get(entry.interface);
      if (first !== undefined) {
        findings.push(
          warning(
            child(at, 'interface'),
            `interface ${show(entry.interface)} is also reported by entry ${first}`,
          ),
        );
      } else interfaces.set(entry.interface, i);
    }
  }
  if (defaults !== 1) {
    findings.push(
      warning(
        field,
        defaults === 0
          ? 'has no entry with "default": true; the spec requires one for the cluster network'
          : `has ${defaults} entries with "default": true; the spec allows only one`,
      ),
    );
  }
  return { entries, findings };
}

function readStatus(raw: unknown, at: string, findings: Finding[]): NetworkStatus | undefined {
  if (!isPlainObject(raw)) {
    findings.push(error(at, `must be an object (got ${describeType(raw)})`));
    return undefined;
  }
  const out: NetworkStatus = { name: '' };
  if (typeof raw.name !== 'string' || raw.name === '') {
    findings.push(
      error(
        child(at, 'name'),
        raw.name === undefined || raw.name === ''
          ? 'is required'
          : `must be a string (got ${describeType(raw.name)})`,
      ),
    );
  } else out.name = raw.name;
  for (const key in raw) {
    const v = raw[key];
    const f = (): string => child(at, key);
    switch (key) {
      case 'name':
        break;
      case 'interface':
        if (typeof v !== 'string')
          findings.push(error(f(), `must be a string (got ${describeType(v)})`));
        else {
          out.interface = v;
          const problem = interfaceNameProblem(v);
          if (problem !== undefined)
            findings.push(warning(f(), `${show(v)} is not a valid interface name: ${problem}`));
        }
        break;
      case 'ips':
        out.ips = readAddressList(v, f, findings, true);
        break;
      case 'gateway':
        out.gateway = readAddressList(v, f, findings, false);
        break;
      case 'mac':
        if (typeof v !== 'string')
          findings.push(error(f(), `must be a string (got ${describeType(v)})`));
        else if (!HWADDR.test(v) && parseMac(v) === undefined)
          findings.push(error(f(), `${show(v)} is not a hardware address`));
        else out.mac = v;
        break;
      case 'mtu':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
          findings.push(
            error(
              f(),
              `must be a whole number (got ${typeof v === 'number' ? v : describeType(v)})`,
            ),
          );
        else {
          out.mtu = v;
          if (v !== 0 && (v < 68 || v > 65535))
            findings.push(warning(f(), `${v} is outside the MTUs Linux accepts (68-65535)`));
        }
        break;
      case 'default':
        if (typeof v !== 'boolean')
          findings.push(error(f(), `must be true or false (got ${describeType(v)})`));
        else out.default = v;
        break;
      case 'dns':
        out.dns = readDns(v, f, findings);
        break;
      case 'device-info':
        out['device-info'] = readDeviceInfo(v, f(), findings);
        break;
      default:
        unknownKey(key, STATUS_KEYS, f, findings);
    }
  }
  if (out.mac !== undefined && out.interface === undefined) {
    findings.push(
      warning(child(at, 'mac'), 'is set without "interface"; the spec requires both together'),
    );
  }
  return out;
}

function unknownKey(
  key: string,
  known: readonly string[],
  f: () => string,
  findings: Finding[],
): void {
  // Keys with a period are the spec's reverse-DNS extension keys.
  if (key.includes('.')) return;
  const hint = suggestKey(key, known);
  findings.push(
    warning(
      f(),
      'is not a key of the NPWG network status and is ignored',
      hint !== undefined ? `did you mean "${hint}"?` : undefined,
    ),
  );
}

function readStringList(v: unknown, f: () => string, findings: Finding[]): string[] | undefined {
  if (!Array.isArray(v)) {
    findings.push(error(f(), `must be a list of strings (got ${describeType(v)})`));
    return undefined;
  }
  const out: string[] = [];
  for (let j = 0; j < v.length; j++) {
    const item: unknown = v[j];
    if (typeof item !== 'string')
      findings.push(error(child(f(), j), `must be a string (got ${describeType(item)})`));
    else out.push(item);
  }
  return out;
}

function readAddressList(
  v: unknown,
  f: () => string,
  findings: Finding[],
  allowPrefix: boolean,
): string[] | undefined {
  const list = readStringList(v, f, findings);
  if (list === undefined) return undefined;
  const out: string[] = [];
  for (let j = 0; j < list.length; j++) {
    const item = list[j] as string;
    const ok =
      allowPrefix && item.includes('/')
        ? parseCidr(item) !== undefined
        : parseIp(item) !== undefined;
    if (!ok) findings.push(error(child(f(), j), `${show(item)} is not an IP address`));
    else out.push(item);
  }
  return out;
}

function readDns(v: unknown, f: () => string, findings: Finding[]): NetworkStatusDns | undefined {
  if (!isPlainObject(v)) {
    findings.push(error(f(), `must be an object (got ${describeType(v)})`));
    return undefined;
  }
  const out: NetworkStatusDns = {};
  for (const key in v) {
    const x = v[key];
    const g = (): string => child(f(), key);
    switch (key) {
      case 'nameservers':
        out.nameservers = readAddressList(x, g, findings, false);
        break;
      case 'domain':
        if (typeof x !== 'string')
          findings.push(error(g(), `must be a string (got ${describeType(x)})`));
        else out.domain = x;
        break;
      case 'search':
        out.search = readStringList(x, g, findings);
        break;
      case 'options':
        out.options = readStringList(x, g, findings);
        break;
      default:
        unknownKey(key, DNS_KEYS, g, findings);
    }
  }
  return out;
}

function readDeviceInfo(v: unknown, at: string, findings: Finding[]): DeviceInfo | undefined {
  if (!isPlainObject(v)) {
    findings.push(error(at, `must be an object (got ${describeType(v)})`));
    return undefined;
  }
  const type = v.type;
  if (typeof type !== 'string' || !DEVICE_TYPES.has(type)) {
    findings.push(
      error(
        child(at, 'type'),
        type === undefined
          ? 'is required'
          : `${typeof type === 'string' ? show(type) : describeType(type)} is not a device type`,
        'use "pci", "vdpa", "vhost-user" or "memif"',
      ),
    );
    return undefined;
  }
  const version = v.version;
  if (typeof version !== 'string' || version === '') {
    findings.push(
      error(
        child(at, 'version'),
        version === undefined ? 'is required' : 'must be a non-empty string',
        'e.g. "1.1.0"',
      ),
    );
  }
  const out: DeviceInfo = {
    type: type as DeviceInfoType,
    version: typeof version === 'string' ? version : '',
  };
  for (const key in v) {
    const x = v[key];
    switch (key) {
      case 'type':
      case 'version':
        break;
      case 'pci':
        out.pci = readStringMap(x, child(at, key), PCI_KEYS, findings);
        break;
      case 'vdpa':
        out.vdpa = readStringMap(x, child(at, key), VDPA_KEYS, findings);
        break;
      case 'vhost-user':
        out['vhost-user'] = readStringMap(x, child(at, key), VHOST_KEYS, findings);
        break;
      case 'memif':
        out.memif = readStringMap(x, child(at, key), MEMIF_KEYS, findings);
        break;
      default:
        unknownKey(key, DEVICE_KEYS, () => child(at, key), findings);
    }
  }
  if (out[out.type] === undefined) {
    findings.push(warning(child(at, out.type), `is missing although "type" is ${show(out.type)}`));
  }
  return out;
}

function readStringMap(
  v: unknown,
  at: string,
  keys: readonly string[],
  findings: Finding[],
): Record<string, string> | undefined {
  if (!isPlainObject(v)) {
    findings.push(error(at, `must be an object (got ${describeType(v)})`));
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const key in v) {
    const x = v[key];
    if (!keys.includes(key)) {
      unknownKey(key, keys, () => child(at, key), findings);
    } else if (typeof x !== 'string') {
      findings.push(error(child(at, key), `must be a string (got ${describeType(x)})`));
    } else out[key] = x;
  }
  return out;
}

// ------------------------------------------------------- from a CNI result

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
