// Reads and checks a network-status annotation value (Multus writes it, and
// so may anything else with write access to pods): never throws.
import { child, error, warning, type Finding } from '../common/findings.ts';
import { readJsonText } from '../common/json-text.ts';
import { describeType, isPlainObject, typeError } from '../common/json-value.ts';
import { interfaceNameProblem } from '../common/names.ts';
import { quote } from '../common/quote.ts';
import { sizeFinding } from '../common/size.ts';
import { didYouMean, suggestKey } from '../common/suggest.ts';
import { parseCidr, parseIp, parseMac } from '../net/ip.ts';
import {
  DEVICE_KEYS,
  DEVICE_TYPES,
  DNS_KEYS,
  HWADDR,
  MEMIF_KEYS,
  NETWORK_STATUS_FIELD,
  PCI_KEYS,
  STATUS_KEYS,
  VDPA_KEYS,
  VHOST_KEYS,
  type DeviceInfo,
  type DeviceInfoType,
  type NetworkStatus,
  type NetworkStatusDns,
} from './network-status-types.ts';
import { MTU_MAX, MTU_MIN } from '../common/limits.ts';
import { ANNOTATION_SIZE_LIMIT } from './types.ts';

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
  const list = readStatusList(value, field, findings);
  const entries: NetworkStatus[] = [];
  if (list === undefined) return { entries, findings };
  let defaults = 0;
  const interfaces = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const at = child(field, i);
    const entry = readStatus(list[i], at, findings);
    if (entry === undefined) continue;
    entries.push(entry);
    if (entry.default === true) defaults++;
    if (entry.interface === undefined) continue;
    const first = interfaces.get(entry.interface);
    if (first === undefined) interfaces.set(entry.interface, i);
    else
      findings.push(
        warning(
          child(at, 'interface'),
          `interface ${quote(entry.interface)} is also reported by entry ${first}`,
        ),
      );
  }
  if (defaults !== 1)
    findings.push(
      warning(
        field,
        defaults === 0
          ? 'has no entry with "default": true; the spec requires one for the cluster network'
          : `has ${defaults} entries with "default": true; the spec allows only one`,
      ),
    );
  return { entries, findings };
}

/** The value as a JSON list, or undefined after a finding. */
function readStatusList(value: unknown, field: string, findings: Finding[]): unknown[] | undefined {
  if (typeof value !== 'string') {
    findings.push(typeError(field, 'a string', value));
    return undefined;
  }
  const tooLarge = sizeFinding(value, field, ANNOTATION_SIZE_LIMIT);
  if (tooLarge !== undefined) {
    findings.push(tooLarge);
    return undefined;
  }
  const parsed = readJsonText(value, field, findings, 'it must be a JSON list of status objects');
  if (!parsed.ok) return undefined;
  if (!Array.isArray(parsed.value)) {
    findings.push(
      typeError(
        field,
        'a JSON list',
        parsed.value,
        isPlainObject(parsed.value) ? 'wrap the object in [ ]' : undefined,
      ),
    );
    return undefined;
  }
  return parsed.value;
}

type StatusKeyReader = (
  v: unknown,
  out: NetworkStatus,
  f: () => string,
  findings: Finding[],
) => void;

const STATUS_READERS: Readonly<Record<string, StatusKeyReader>> = {
  name: () => undefined,
  interface: (v, out, f, findings) => {
    if (typeof v !== 'string') return void findings.push(typeError(f(), 'a string', v));
    out.interface = v;
    const problem = interfaceNameProblem(v);
    if (problem !== undefined)
      findings.push(warning(f(), `${quote(v)} is not a valid interface name: ${problem}`));
  },
  ips: (v, out, f, findings) => {
    out.ips = readAddressList(v, f, findings, true);
  },
  gateway: (v, out, f, findings) => {
    out.gateway = readAddressList(v, f, findings, false);
  },
  mac: (v, out, f, findings) => {
    if (typeof v !== 'string') findings.push(typeError(f(), 'a string', v));
    else if (!HWADDR.test(v) && parseMac(v) === undefined)
      findings.push(error(f(), `${quote(v)} is not a hardware address`));
    else out.mac = v;
  },
  mtu: (v, out, f, findings) => {
    if (typeof v !== 'number') return void findings.push(typeError(f(), 'a whole number', v));
    if (!Number.isInteger(v) || v < 0)
      return void findings.push(error(f(), `must be a whole number (got ${v})`));
    out.mtu = v;
    if (v !== 0 && (v < MTU_MIN || v > MTU_MAX))
      findings.push(warning(f(), `${v} is outside the MTUs Linux accepts (${MTU_MIN}-${MTU_MAX})`));
  },
  default: (v, out, f, findings) => {
    if (typeof v !== 'boolean') findings.push(typeError(f(), 'true or false', v));
    else out.default = v;
  },
  dns: (v, out, f, findings) => {
    out.dns = readDns(v, f, findings);
  },
  'device-info': (v, out, f, findings) => {
    out['device-info'] = readDeviceInfo(v, f(), findings);
  },
};

function readStatus(raw: unknown, at: string, findings: Finding[]): NetworkStatus | undefined {
  if (!isPlainObject(raw)) {
    findings.push(typeError(at, 'an object', raw));
    return undefined;
  }
  const out: NetworkStatus = { name: '' };
  if (typeof raw.name === 'string' && raw.name !== '') out.name = raw.name;
  else if (raw.name === undefined || raw.name === '')
    findings.push(error(child(at, 'name'), 'is required'));
  else findings.push(typeError(child(at, 'name'), 'a string', raw.name));
  for (const key in raw) {
    const f = (): string => child(at, key);
    const reader = Object.hasOwn(STATUS_READERS, key) ? STATUS_READERS[key] : undefined;
    if (reader !== undefined) reader(raw[key], out, f, findings);
    else unknownKey(key, STATUS_KEYS, f, findings);
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
  findings.push(
    warning(
      f(),
      'is not a key of the NPWG network status and is ignored',
      didYouMean(suggestKey(key, known)),
    ),
  );
}

function readStringList(v: unknown, f: () => string, findings: Finding[]): string[] | undefined {
  if (!Array.isArray(v)) {
    findings.push(typeError(f(), 'a list of strings', v));
    return undefined;
  }
  const out: string[] = [];
  for (let j = 0; j < v.length; j++) {
    const item: unknown = v[j];
    if (typeof item !== 'string') findings.push(typeError(child(f(), j), 'a string', item));
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
    if (!ok) findings.push(error(child(f(), j), `${quote(item)} is not an IP address`));
    else out.push(item);
  }
  return out;
}

function readDns(v: unknown, f: () => string, findings: Finding[]): NetworkStatusDns | undefined {
  if (!isPlainObject(v)) {
    findings.push(typeError(f(), 'an object', v));
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
        if (typeof x !== 'string') findings.push(typeError(g(), 'a string', x));
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
    findings.push(typeError(at, 'an object', v));
    return undefined;
  }
  const type = v.type;
  if (typeof type !== 'string' || !DEVICE_TYPES.has(type)) {
    findings.push(
      error(
        child(at, 'type'),
        type === undefined
          ? 'is required'
          : `${typeof type === 'string' ? quote(type) : describeType(type)} is not a device type`,
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
    findings.push(warning(child(at, out.type), `is missing although "type" is ${quote(out.type)}`));
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
    findings.push(typeError(at, 'an object', v));
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const key in v) {
    const x = v[key];
    if (!keys.includes(key)) {
      unknownKey(key, keys, () => child(at, key), findings);
    } else if (typeof x !== 'string') {
      findings.push(typeError(child(at, key), 'a string', x));
    } else out[key] = x;
  }
  return out;
}
