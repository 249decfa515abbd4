// Reads and checks ONE element of the networks annotation: an object of the
// JSON list form, or one item of the comma form. Checks that need the whole
// list (interface names, default routes, host ports) live in
// attachment-set.ts. Field paths are built only when a finding is reported,
// because this runs for every pod admission.
import { child, error, isPlainObject, warning, describeType } from '../findings.ts';
import type { Finding } from '../findings.ts';
import { dns1123LabelProblem, dns1123SubdomainProblem, interfaceNameProblem } from '../names.ts';
import {
  isMulticastMac,
  isZeroMac,
  parseAddressMaybePrefixed,
  parseCidr,
  parseIp,
  parseMac,
} from '../net/ip.ts';
import type { BandwidthEntry, NetworkSelectionElement, PortMapping } from './types.ts';
import { suggestKey } from './suggest.ts';
import { labelLike, show } from './values.ts';

export const ELEMENT_KEYS = [
  'name',
  'namespace',
  'interface',
  'ips',
  'mac',
  'default-route',
  'portMappings',
  'bandwidth',
  'cni-args',
  'infiniband-guid',
  'ipam-claim-reference',
] as const;
type ElementKey = (typeof ELEMENT_KEYS)[number];

// Multus (and Go's encoding/json) still honour this pre-3.2 spelling.
const DEPRECATED_INTERFACE_KEY = 'interfaceRequest';

const ELEMENT_KEY_SET: ReadonlySet<string> = new Set(ELEMENT_KEYS);
// Go's encoding/json matches object keys case-insensitively, so Multus reads
// `"Name"` as `name`; map lower-cased spellings back to the real key.
const ELEMENT_KEY_BY_LOWER: ReadonlyMap<string, ElementKey> = new Map(
  ELEMENT_KEYS.map((k) => [k.toLowerCase(), k]),
);

const ELEMENT_KEY_ALIASES: ReadonlyMap<string, string> = new Map([
  ['interfacename', 'interface'],
  ['ifname', 'interface'],
  ['iface', 'interface'],
  ['ifacename', 'interface'],
  ['device', 'interface'],
  ['ip', 'ips'],
  ['ipaddress', 'ips'],
  ['ipaddresses', 'ips'],
  ['addresses', 'ips'],
  ['address', 'ips'],
  ['macaddress', 'mac'],
  ['macrequest', 'mac'],
  ['hwaddr', 'mac'],
  ['defaultroute', 'default-route'],
  ['defaultroutes', 'default-route'],
  ['gateway', 'default-route'],
  ['gateways', 'default-route'],
  ['gw', 'default-route'],
  ['args', 'cni-args'],
  ['ports', 'portMappings'],
  ['portmap', 'portMappings'],
  ['guid', 'infiniband-guid'],
  ['ipamclaim', 'ipam-claim-reference'],
  ['ipamclaimref', 'ipam-claim-reference'],
  ['ns', 'namespace'],
  ['network', 'name'],
  ['networkname', 'name'],
]);

const PORT_KEYS = ['hostPort', 'containerPort', 'protocol', 'hostIP'] as const;
const BANDWIDTH_KEYS = ['ingressRate', 'ingressBurst', 'egressRate', 'egressBurst'] as const;
const DIRECTIONS = ['ingress', 'egress'] as const;
const PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp']);
// The bandwidth plugin rejects burst/8 >= MaxUint32 ("burst cannot be more than 4GB").
const MAX_BURST_BITS = 8 * 4294967295;

const IPOIB_HWADDR = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){19}$/;
const INFINIBAND_GUID = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){7}$/;

/** Checks one object of the JSON list form. Returns the element with every
 * well-typed field (unknown keys dropped), or undefined when `raw` is not an
 * object. `path` is the element's field path (`…[i]`). */
export function readJsonElement(
  raw: unknown,
  path: string,
  findings: Finding[],
): NetworkSelectionElement | undefined {
  if (!isPlainObject(raw)) {
    const fix =
      typeof raw === 'string'
        ? `write {"name": ${show(raw)}} instead of a bare string`
        : 'write an object such as {"name": "my-network"}';
    findings.push(
      error(
        path,
        `each list entry must be an object with a "name" (got ${describeType(raw)})`,
        fix,
      ),
    );
    return undefined;
  }
  const out: NetworkSelectionElement = { name: '' };
  let sawName = false;
  let deprecatedInterface: string | undefined;
  for (const key in raw) {
    const value = raw[key];
    let canon: string | undefined = key;
    if (!ELEMENT_KEY_SET.has(key)) {
      if (key === DEPRECATED_INTERFACE_KEY) {
        if (typeof value === 'string') deprecatedInterface = value;
        else
          findings.push(error(child(path, key), `must be a string (got ${describeType(value)})`));
        continue;
      }
      canon = unknownElementKey(raw, key, path, findings);
      if (canon === undefined) continue;
    }
    if (canon === 'name') sawName = true;
    readElementKey(canon as ElementKey, value, out, path, key, findings);
  }
  if (!sawName) {
    findings.push(
      error(
        child(path, 'name'),
        'is required: the name of the NetworkAttachmentDefinition to attach',
        'add "name": "<nad-name>"',
      ),
    );
  }
  if (deprecatedInterface !== undefined) {
    const at = child(path, DEPRECATED_INTERFACE_KEY);
    if (out.interface !== undefined) {
      findings.push(
        warning(
          at,
          'is the pre-3.2 Multus spelling of "interface" and is ignored because "interface" is set',
          `remove "${DEPRECATED_INTERFACE_KEY}"`,
        ),
      );
    } else {
      findings.push(
        warning(
          at,
          'is the deprecated (pre-3.2 Multus) spelling of "interface"; it is still honoured',
          `rename it to "interface"`,
        ),
      );
      readElementKey(
        'interface',
        deprecatedInterface,
        out,
        path,
        DEPRECATED_INTERFACE_KEY,
        findings,
      );
    }
  }
  crossFieldChecks(out, path, findings);
  return out;
}

/** Handles a key that is not one of the spec's. Returns the spec key to read
 * it as (Go-style case-insensitive match), or undefined to ignore it. */
function unknownElementKey(
  raw: Record<string, unknown>,
  key: string,
  path: string,
  findings: Finding[],
): ElementKey | undefined {
  // Keys with a period are the spec's reverse-DNS extension keys.
  if (key.includes('.')) return undefined;
  const at = child(path, key);
  const folded = ELEMENT_KEY_BY_LOWER.get(key.toLowerCase());
  if (folded !== undefined) {
    if (Object.hasOwn(raw, folded)) {
      findings.push(
        warning(
          at,
          `is ignored: keys are case-sensitive and "${folded}" is also set`,
          `remove "${key}"`,
        ),
      );
      return undefined;
    }
    findings.push(
      warning(
        at,
        `is read as "${folded}" because Multus matches keys case-insensitively; the spec spells it "${folded}"`,
        `rename it to "${folded}"`,
      ),
    );
    return folded;
  }
  const hint = suggestKey(key, ELEMENT_KEYS, ELEMENT_KEY_ALIASES);
  findings.push(
    warning(
      at,
      'is not a key of the NPWG network selection element and is ignored',
      hint !== undefined
        ? `did you mean "${hint}"?`
        : 'remove it, or use a reverse-DNS key such as "org.example.my-key" for your own data',
    ),
  );
  return undefined;
}

/** Field path of `key` (as written) in the element at `path`, optionally of
 * its j-th item and that item's `sub` key. Only called when reporting. */
function fieldOf(path: string, key: string, j?: number | string, sub?: string): string {
  let p = child(path, key);
  if (j !== undefined) p = child(p, j);
  if (sub !== undefined) p = child(p, sub);
  return p;
}

/** A string value, or undefined after reporting a wrong type; an empty string
 * is reported with `emptyHint` when given (the key is then ignored). */
function stringValue(
  value: unknown,
  path: string,
  written: string,
  findings: Finding[],
  emptyHint?: [message: string, fix: string],
): string | undefined {
  // Field paths are built only on the error paths: this runs per key per pod.
  if (typeof value !== 'string') {
    findings.push(error(fieldOf(path, written), `must be a string (got ${describeType(value)})`));
    return undefined;
  }
  if (value === '' && emptyHint !== undefined) {
    findings.push(warning(fieldOf(path, written), emptyHint[0], emptyHint[1]));
    return undefined;
  }
  return value;
}

/** Reads one spec key into `out`; `written` is the key as the user spelt it. */
function readElementKey(
  key: ElementKey,
  value: unknown,
  out: NetworkSelectionElement,
  path: string,
  written: string,
  findings: Finding[],
): void {
  if (value === null && key !== 'name') {
    findings.push(
      warning(fieldOf(path, written), 'is null and treated as absent', `remove "${written}"`),
    );
    return;
  }
  switch (key) {
    case 'name': {
      const v = stringValue(value, path, written, findings);
      if (v === undefined) return;
      out.name = v;
      checkNadName(v, path, written, findings);
      return;
    }
    case 'namespace': {
      const v = stringValue(value, path, written, findings);
      // Spec §4.1.2.1.1: a missing or empty namespace means the pod's.
      if (v === undefined || v === '') return;
      out.namespace = v;
      checkNamespace(v, path, written, findings);
      return;
    }
    case 'interface': {
      const v = stringValue(value, path, written, findings, [
        'is empty and ignored; a name will be generated',
        'remove "interface" or give a name',
      ]);
      if (v === undefined) return;
      out.interface = v;
      checkInterfaceName(v, path, written, findings);
      return;
    }
    case 'ips':
      out.ips = readIps(value, path, written, findings);
      return;
    case 'mac': {
      const v = stringValue(value, path, written, findings, [
        'is empty and ignored',
        'remove "mac" or give an address',
      ]);
      if (v === undefined) return;
      out.mac = v;
      checkMac(v, path, written, findings);
      return;
    }
    case 'default-route':
      out['default-route'] = readGateways(value, path, written, findings);
      return;
    case 'portMappings':
      out.portMappings = readPortMappings(value, path, written, findings);
      return;
    case 'bandwidth':
      out.bandwidth = readBandwidth(value, path, written, findings);
      return;
    case 'cni-args': {
      if (!isPlainObject(value)) {
        findings.push(
          error(
            fieldOf(path, written),
            `must be an object of CNI args (got ${describeType(value)})`,
            'write "cni-args": {"key": "value"}',
          ),
        );
        return;
      }
      out['cni-args'] = value;
      return;
    }
    case 'infiniband-guid': {
      const v = stringValue(value, path, written, findings, [
        'is empty and ignored',
        'remove "infiniband-guid" or give a GUID',
      ]);
      if (v === undefined) return;
      out['infiniband-guid'] = v;
      if (!INFINIBAND_GUID.test(v)) {
        findings.push(
          error(
            fieldOf(path, written),
            `${show(v)} is not an InfiniBand GUID`,
            'write 8 colon-separated hex bytes, e.g. "c2:11:22:33:44:55:66:77"',
          ),
        );
      }
      return;
    }
    case 'ipam-claim-reference': {
      const v = stringValue(value, path, written, findings);
      if (v === undefined) return;
      out['ipam-claim-reference'] = v;
      const problem = dns1123SubdomainProblem(v);
      if (problem !== undefined) {
        findings.push(
          error(
            fieldOf(path, written),
            `must name an IPAMClaim: ${problem}`,
            "give the name of an IPAMClaim in the network's namespace",
          ),
        );
      }
      return;
    }
  }
}

/** Checks that involve two keys of the same element. */
function crossFieldChecks(out: NetworkSelectionElement, path: string, findings: Finding[]): void {
  if (out['ipam-claim-reference'] !== undefined && out.ips !== undefined) {
    findings.push(
      error(
        child(path, 'ipam-claim-reference'),
        'cannot be combined with "ips": the IPAMClaim decides the addresses',
        'keep either "ips" or "ipam-claim-reference"',
      ),
    );
  }
  const gateways = out['default-route'];
  const ips = out.ips;
  if (gateways !== undefined && ips !== undefined && ips.length > 0) {
    // A gateway outside every requested subnet of its family cannot be reached on-link.
    for (let g = 0; g < gateways.length; g++) {
      const gw = parseIp(gateways[g] ?? '');
      if (gw === undefined) continue;
      let sameFamily = false;
      let inside = false;
      for (const text of ips) {
        const cidr = text.includes('/') ? parseCidr(text) : undefined;
        if (cidr === undefined || cidr.family !== gw.family) continue;
        sameFamily = true;
        if (gw.value >= cidr.network && gw.value <= cidr.broadcast) inside = true;
      }
      if (sameFamily && !inside) {
        findings.push(
          warning(
            child(child(path, 'default-route'), g),
            `gateway ${show(gw.text)} is outside every requested subnet in "ips"`,
            'check the gateway; it must be reachable on this interface',
          ),
        );
      }
    }
  }
}

export function checkNadName(
  value: string,
  path: string,
  written: string,
  findings: Finding[],
): void {
  const problem = dns1123LabelProblem(value);
  if (problem === undefined) return;
  if (value === '') {
    findings.push(
      error(fieldOf(path, written), 'is empty: name the NetworkAttachmentDefinition to attach'),
    );
    return;
  }
  if (value.includes('.') && dns1123SubdomainProblem(value) === undefined) {
    findings.push(
      error(
        fieldOf(path, written),
        `${show(value)} has dots: the NPWG spec requires network names to be DNS-1123 labels, so this NAD cannot be selected`,
        'rename the NetworkAttachmentDefinition without dots, e.g. ' +
          show(value.replace(/\./g, '-')),
      ),
    );
    return;
  }
  // The comma-form shorthands do not work inside the JSON form.
  const slash = value.indexOf('/');
  const at = value.indexOf('@');
  let fix: string | undefined;
  if (slash > 0 && at < 0)
    fix = `write "namespace": ${show(value.slice(0, slash))}, "name": ${show(value.slice(slash + 1))}`;
  else if (at > 0 && slash < 0)
    fix = `write "name": ${show(value.slice(0, at))}, "interface": ${show(value.slice(at + 1))}`;
  else {
    const like = labelLike(value);
    if (like !== undefined) fix = `use ${show(like)}`;
  }
  findings.push(error(fieldOf(path, written), `network name ${show(value)} ${problem}`, fix));
}

export function checkNamespace(
  value: string,
  path: string,
  written: string,
  findings: Finding[],
): void {
  const problem = dns1123LabelProblem(value);
  if (problem === undefined) return;
  const like = labelLike(value);
  findings.push(
    error(
      fieldOf(path, written),
      `namespace ${show(value)} ${problem}`,
      like !== undefined ? `use ${show(like)}` : undefined,
    ),
  );
}

export function checkInterfaceName(
  value: string,
  path: string,
  written: string,
  findings: Finding[],
): void {
  const problem = interfaceNameProblem(value);
  if (problem === undefined) return;
  findings.push(
    error(
      fieldOf(path, written),
      `interface name ${show(value)} ${problem}`,
      'use a short name such as "net1" or "data0"',
    ),
  );
}

function checkMac(value: string, path: string, written: string, findings: Finding[]): void {
  const mac = parseMac(value);
  if (mac === undefined) {
    // Spec §4.1.2.1.4 also allows a 20-byte IP-over-InfiniBand address.
    if (IPOIB_HWADDR.test(value)) return;
    findings.push(
      error(
        fieldOf(path, written),
        `${show(value)} is not a MAC address`,
        'write 6 hex bytes such as "02:23:45:67:89:01"',
      ),
    );
    return;
  }
  if (isZeroMac(mac)) {
    findings.push(
      error(
        fieldOf(path, written),
        'the all-zero MAC cannot be assigned to an interface',
        'use a locally administered unicast address such as "02:00:00:00:00:01"',
      ),
    );
    return;
  }
  if (isMulticastMac(mac)) {
    const first = mac.bytes[0] ?? 0;
    const unicast = [
      ((first & 0xfe) | 0x02).toString(16).padStart(2, '0'),
      ...mac.text.split(':').slice(1),
    ].join(':');
    findings.push(
      error(
        fieldOf(path, written),
        `${show(value)} is a multicast or broadcast address (lowest bit of the first byte set); no interface can use it`,
        `use a unicast address such as "${unicast}"`,
      ),
    );
  }
}

function readIps(
  value: unknown,
  path: string,
  written: string,
  findings: Finding[],
): string[] | undefined {
  if (!Array.isArray(value)) {
    const fix =
      typeof value === 'string'
        ? `write a list: "ips": [${show(value)}]`
        : 'write a list such as ["10.1.1.5/24"]';
    findings.push(
      error(
        fieldOf(path, written),
        `must be a list of IP addresses (got ${describeType(value)})`,
        fix,
      ),
    );
    return undefined;
  }
  if (value.length === 0) {
    findings.push(
      warning(
        fieldOf(path, written),
        'is empty and has no effect',
        'remove "ips" or list at least one address',
      ),
    );
    return [];
  }
  const out: string[] = [];
  let seen: Set<string> | undefined;
  for (let j = 0; j < value.length; j++) {
    const item: unknown = value[j];
    if (typeof item !== 'string') {
      findings.push(
        error(fieldOf(path, written, j), `must be a string (got ${describeType(item)})`),
      );
      continue;
    }
    out.push(item);
    const addr = parseAddressMaybePrefixed(item);
    if (addr === undefined) {
      findings.push(
        error(
          fieldOf(path, written, j),
          `${show(item)} is not an IP address or address/prefix`,
          'write e.g. "10.1.1.5/24" or "fd00::5/64"',
        ),
      );
      continue;
    }
    if (value.length > 1) {
      seen ??= new Set();
      const key = `${addr.family}:${addr.value}`;
      if (seen.has(key))
        findings.push(
          error(
            fieldOf(path, written, j),
            `address ${show(addr.text)} is listed twice`,
            'remove the duplicate',
          ),
        );
      seen.add(key);
    }
  }
  return out;
}

function readGateways(
  value: unknown,
  path: string,
  written: string,
  findings: Finding[],
): string[] | undefined {
  if (!Array.isArray(value)) {
    const fix =
      typeof value === 'string'
        ? `write a list: "default-route": [${show(value)}]`
        : 'write a list such as ["10.1.1.1"]';
    findings.push(
      error(
        fieldOf(path, written),
        `must be a list of gateway IP addresses (got ${describeType(value)})`,
        fix,
      ),
    );
    return undefined;
  }
  if (value.length === 0) {
    findings.push(
      warning(
        fieldOf(path, written),
        'is empty and has no effect',
        'remove "default-route" or give the gateway address',
      ),
    );
    return [];
  }
  const out: string[] = [];
  let v4 = false;
  let v6 = false;
  for (let j = 0; j < value.length; j++) {
    const item: unknown = value[j];
    if (typeof item !== 'string') {
      findings.push(
        error(fieldOf(path, written, j), `must be a string (got ${describeType(item)})`),
      );
      continue;
    }
    out.push(item);
    const ip = parseIp(item);
    if (ip === undefined) {
      const slash = item.indexOf('/');
      const bare = slash >= 0 ? item.slice(0, slash) : '';
      findings.push(
        slash >= 0 && parseIp(bare) !== undefined
          ? error(
              fieldOf(path, written, j),
              `${show(item)} has a prefix length; a gateway is a single address`,
              `write ${show(bare)}`,
            )
          : error(
              fieldOf(path, written, j),
              `${show(item)} is not an IP address`,
              'write the gateway address, e.g. "10.1.1.1"',
            ),
      );
      continue;
    }
    const dup = ip.family === 4 ? v4 : v6;
    if (dup) {
      findings.push(
        error(
          fieldOf(path, written, j),
          `a second IPv${ip.family} gateway: a pod has one default route per address family (no ECMP)`,
          'keep one gateway per address family',
        ),
      );
    }
    if (ip.family === 4) v4 = true;
    else v6 = true;
  }
  return out;
}

function readPortMappings(
  value: unknown,
  path: string,
  written: string,
  findings: Finding[],
): PortMapping[] | undefined {
  if (!Array.isArray(value)) {
    findings.push(
      error(
        fieldOf(path, written),
        `must be a list of port mappings (got ${describeType(value)})`,
        'write e.g. [{"containerPort": 80, "hostPort": 8080, "protocol": "tcp"}]',
      ),
    );
    return undefined;
  }
  const out: PortMapping[] = [];
  for (let j = 0; j < value.length; j++) {
    const item: unknown = value[j];
    if (!isPlainObject(item)) {
      findings.push(
        error(
          fieldOf(path, written, j),
          `must be an object with "containerPort" and "hostPort" (got ${describeType(item)})`,
        ),
      );
      continue;
    }
    const containerPort = readPort(item, 'containerPort', path, written, j, findings);
    const hostPort = readPort(item, 'hostPort', path, written, j, findings);
    const mapping: PortMapping = { hostPort: hostPort ?? 0, containerPort: containerPort ?? 0 };
    for (const key in item) {
      const v = item[key];
      if (key === 'containerPort' || key === 'hostPort') continue;
      if (key === 'protocol') {
        if (typeof v !== 'string')
          findings.push(
            error(fieldOf(path, written, j, key), `must be a string (got ${describeType(v)})`),
          );
        else if (!PROTOCOLS.has(v.toLowerCase())) {
          findings.push(
            error(
              fieldOf(path, written, j, key),
              `${show(v)} is not a protocol portmap supports`,
              'use "tcp", "udp" or "sctp"',
            ),
          );
        } else mapping.protocol = v;
      } else if (key === 'hostIP') {
        if (typeof v !== 'string')
          findings.push(
            error(fieldOf(path, written, j, key), `must be a string (got ${describeType(v)})`),
          );
        else if (v !== '') {
          if (parseIp(v) === undefined) {
            findings.push(
              error(
                fieldOf(path, written, j, key),
                `${show(v)} is not an IP address`,
                'write a host address, or leave "hostIP" out to listen on all',
              ),
            );
          } else mapping.hostIP = v;
        }
      } else {
        const hint = suggestKey(key, PORT_KEYS);
        findings.push(
          warning(
            fieldOf(path, written, j, key),
            'is not a port mapping key and is ignored',
            hint !== undefined ? `did you mean "${hint}"?` : 'remove it',
          ),
        );
      }
    }
    if (containerPort !== undefined && hostPort !== undefined) out.push(mapping);
  }
  return out;
}

function readPort(
  item: Record<string, unknown>,
  key: 'containerPort' | 'hostPort',
  path: string,
  written: string,
  j: number,
  findings: Finding[],
): number | undefined {
  const v = item[key];
  if (v === undefined) {
    findings.push(
      error(
        fieldOf(path, written, j, key),
        'is required (the portmap plugin needs both ports)',
        `add "${key}": <1-65535>`,
      ),
    );
    return undefined;
  }
  if (typeof v !== 'number') {
    const fix =
      typeof v === 'string' && /^[0-9]+$/.test(v) ? `write ${v} without quotes` : undefined;
    findings.push(
      error(fieldOf(path, written, j, key), `must be a port number (got ${describeType(v)})`, fix),
    );
    return undefined;
  }
  if (!Number.isInteger(v) || v < 1 || v > 65535) {
    findings.push(
      error(
        fieldOf(path, written, j, key),
        `${v} is not a port number`,
        'use an integer from 1 to 65535',
      ),
    );
    return undefined;
  }
  return v;
}

function readBandwidth(
  value: unknown,
  path: string,
  written: string,
  findings: Finding[],
): BandwidthEntry | undefined {
  if (!isPlainObject(value)) {
    findings.push(
      error(
        fieldOf(path, written),
        `must be an object (got ${describeType(value)})`,
        'write e.g. {"ingressRate": 100000000, "ingressBurst": 10000000}',
      ),
    );
    return undefined;
  }
  const out: BandwidthEntry = {};
  for (const key in value) {
    const v = value[key];
    if (
      key !== 'ingressRate' &&
      key !== 'ingressBurst' &&
      key !== 'egressRate' &&
      key !== 'egressBurst'
    ) {
      const hint = suggestKey(key, BANDWIDTH_KEYS);
      findings.push(
        warning(
          fieldOf(path, written, key),
          'is not a bandwidth key and is ignored',
          hint !== undefined ? `did you mean "${hint}"?` : 'remove it',
        ),
      );
      continue;
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      findings.push(
        error(
          fieldOf(path, written, key),
          typeof v === 'number'
            ? `${v} is not a whole non-negative number`
            : `must be a number (got ${describeType(v)})`,
          key.endsWith('Rate')
            ? 'give the rate in bits per second, e.g. 100000000 for 100 Mbit/s'
            : 'give the burst in bits',
        ),
      );
      continue;
    }
    out[key] = v;
  }
  let any = false;
  for (const dir of DIRECTIONS) {
    const rateKey = `${dir}Rate` as const;
    const burstKey = `${dir}Burst` as const;
    const rate = out[rateKey];
    const burst = out[burstKey];
    if (rate === undefined && burst === undefined) continue;
    any = true;
    if (rate === 0) {
      // A zero rate would drop every packet if it were applied; the plugin
      // skips it instead, so the user surely meant something else.
      findings.push(
        error(
          fieldOf(path, written, rateKey),
          `must be greater than 0 (bits per second); a zero ${dir} rate sets no limit`,
          `remove "${rateKey}"${burst === undefined ? '' : ` and "${burstKey}"`} for no limit, or give the rate, e.g. 100000000 for 100 Mbit/s`,
        ),
      );
      continue;
    }
    if ((rate === undefined || rate === 0) && burst !== undefined && burst > 0) {
      findings.push(
        error(
          fieldOf(path, written, burstKey),
          `needs "${rateKey}": the bandwidth plugin rejects a burst without a rate`,
          `add "${rateKey}" in bits per second`,
        ),
      );
      continue;
    }
    if (rate !== undefined && rate > 0 && (burst === undefined || burst === 0)) {
      findings.push(
        error(
          fieldOf(path, written, rateKey),
          `needs "${burstKey}": the bandwidth plugin rejects a rate without a burst`,
          `add "${burstKey}" in bits (the token-bucket size)`,
        ),
      );
      continue;
    }
    if (burst !== undefined && burst >= MAX_BURST_BITS) {
      findings.push(
        error(
          fieldOf(path, written, burstKey),
          'is too large: the bandwidth plugin caps bursts below 4 GiB (34359738360 bits)',
          'use a smaller burst',
        ),
      );
    }
  }
  if (!any)
    findings.push(
      warning(
        fieldOf(path, written),
        'sets no rate and has no effect',
        'remove "bandwidth" or set a rate and burst',
      ),
    );
  return out;
}

/** Reads one item of the comma form: `name`, `ns/name`, `name@if` or
 * `ns/name@if` (spaces around the parts are trimmed, as Multus does).
 * `path` is the item's field path (`…[i]`). */
export function readCommaItem(
  item: string,
  path: string,
  findings: Finding[],
): NetworkSelectionElement | undefined {
  const text = item.trim();
  if (text === '') {
    findings.push(
      error(
        path,
        'is empty: two commas in a row, or a comma at the start or end',
        'remove the extra comma',
      ),
    );
    return undefined;
  }
  const slash = text.indexOf('/');
  const at = text.indexOf('@');
  if (slash !== text.lastIndexOf('/')) {
    findings.push(
      error(
        path,
        `${show(text)} has more than one "/"`,
        'write namespace/name or namespace/name@interface',
      ),
    );
    return undefined;
  }
  if (at !== text.lastIndexOf('@')) {
    findings.push(
      error(path, `${show(text)} has more than one "@"`, 'write name@interface with a single "@"'),
    );
    return undefined;
  }
  if (at >= 0 && slash > at) {
    findings.push(
      error(
        path,
        `${show(text)} puts "@interface" before the "/"`,
        'write namespace/name@interface',
      ),
    );
    return undefined;
  }
  const out: NetworkSelectionElement = { name: '' };
  const nameStart = slash + 1;
  const nameEnd = at >= 0 ? at : text.length;
  if (slash >= 0) {
    const ns = text.slice(0, slash).trim();
    if (ns === '') {
      findings.push(
        warning(
          child(path, 'namespace'),
          'is empty before "/"; the pod\'s namespace is used',
          'drop the leading "/"',
        ),
      );
    } else {
      out.namespace = ns;
      checkNamespace(ns, path, 'namespace', findings);
    }
  }
  const name = text.slice(nameStart, nameEnd).trim();
  out.name = name;
  if (name === '') {
    findings.push(
      error(
        child(path, 'name'),
        `${show(text)} has no network name`,
        'write the NetworkAttachmentDefinition name, e.g. namespace/name',
      ),
    );
  } else {
    checkNadName(name, path, 'name', findings);
  }
  if (at >= 0) {
    const ifname = text.slice(at + 1).trim();
    if (ifname === '') {
      findings.push(
        warning(
          child(path, 'interface'),
          'is empty after "@"; a name will be generated',
          'drop the trailing "@" or name the interface',
        ),
      );
    } else {
      out.interface = ifname;
      checkInterfaceName(ifname, path, 'interface', findings);
    }
  }
  return out;
}
