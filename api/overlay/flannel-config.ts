// The network config flannel keeps at `<prefix>/config` in etcd: building the
// one Plexus writes, and reading one an upstream flanneld's admin wrote, with
// flannel's own semantics (Go's encoding/json matches keys case-insensitively,
// the last duplicate wins, unknown keys are ignored; an absent Backend means
// the long-gone udp backend; Port 0 means the kernel's 8472).
import { child, describeType, error, isPlainObject, warning, type Finding } from '../findings.ts';
import { formatIp, isCanonical, parseCidr, parseIp, type IpAddress } from '../net/ip.ts';
import { DEFAULT_VXLAN_PORT, FLANNEL_DEFAULT_VNI, MAX_VNI } from '../resources/overlay-network.ts';
import { effectiveOverlayConfig } from './defaults.ts';
import { planSubnets, type SubnetPlan } from './subnets.ts';

/** Exactly the JSON object Plexus writes to `<prefix>/config` (key order as flannel's docs). */
export interface FlannelNetworkConfig {
  Network: string;
  SubnetLen: number;
  SubnetMin: string;
  SubnetMax: string;
  Backend: { Type: 'vxlan'; VNI: number; Port: number; DirectRouting?: true };
}

/** The config for a spec, every default written out so that flanneld and
 * Plexus never compute one differently; undefined when the spec has errors. */
export function flannelNetworkConfig(spec: unknown): FlannelNetworkConfig | undefined {
  const c = effectiveOverlayConfig(spec);
  if (c === undefined) return undefined;
  return {
    Network: c.network,
    SubnetLen: c.subnetLen,
    SubnetMin: c.subnetMin,
    SubnetMax: c.subnetMax,
    Backend: {
      Type: 'vxlan',
      VNI: c.backend.vni,
      Port: c.backend.port,
      ...(c.backend.directRouting ? { DirectRouting: true as const } : {}),
    },
  };
}

/** A flannel network config as flanneld would run it. */
export interface ParsedFlannelConfig {
  network: string;
  subnetLen: number;
  subnetMin: string;
  subnetMax: string;
  capacity: number;
  plan: SubnetPlan;
  backend: {
    type: 'vxlan';
    vni: number;
    port: number;
    directRouting: boolean;
    gbp: boolean;
    learning: boolean;
  };
}

const TOP_KEYS = [
  'EnableIPv4',
  'EnableIPv6',
  'Network',
  'IPv6Network',
  'SubnetMin',
  'SubnetMax',
  'IPv6SubnetMin',
  'IPv6SubnetMax',
  'SubnetLen',
  'IPv6SubnetLen',
  'Backend',
];
const BACKEND_KEYS = ['Type', 'VNI', 'Port', 'GBP', 'Learning', 'DirectRouting'];

/** Reads a `<prefix>/config` value. `config` is set only when there is no error;
 * `base` prefixes field paths (e.g. the etcd key). */
export function parseFlannelNetworkConfig(
  json: string,
  base = 'config',
): { config?: ParsedFlannelConfig; findings: Finding[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    return {
      findings: [error(base, `is not valid JSON: ${e instanceof Error ? e.message : String(e)}`)],
    };
  }
  if (!isPlainObject(doc))
    return { findings: [error(base, `must be a JSON object, got ${describeType(doc)}`)] };
  const findings: Finding[] = [];
  const top = foldKeys(doc, TOP_KEYS, base, findings);
  const f = (k: string): string => child(base, k);

  const v4 = readBool(top.get('EnableIPv4'), f('EnableIPv4'), true, findings);
  if (v4 === false)
    findings.push(
      error(
        f('EnableIPv4'),
        'is false: Plexus overlays are IPv4 networks',
        'remove EnableIPv4 or set it to true',
      ),
    );
  if (readBool(top.get('EnableIPv6'), f('EnableIPv6'), false, findings) === true) {
    findings.push(
      warning(
        f('EnableIPv6'),
        'Plexus serves only the IPv4 part of this network',
        'nodes joined by Plexus get no IPv6 subnet',
      ),
    );
  }

  const rawNet = top.get('Network');
  let network = typeof rawNet === 'string' ? parseCidr(rawNet) : undefined;
  if (rawNet === undefined)
    findings.push(error(f('Network'), 'is required', 'e.g. "Network": "10.5.0.0/16"'));
  else if (network === undefined)
    findings.push(
      error(
        f('Network'),
        `${JSON.stringify(rawNet)} is not a CIDR`,
        'e.g. "Network": "10.5.0.0/16"',
      ),
    );
  else if (network.family !== 4) {
    findings.push(
      error(f('Network'), `${rawNet} is IPv6; Network is IPv4 (IPv6 goes in IPv6Network)`),
    );
    network = undefined;
  } else if (!isCanonical(network)) {
    findings.push(
      warning(
        f('Network'),
        `${rawNet} has host bits set; flannel uses ${network.canonical}`,
        `write ${network.canonical}`,
      ),
    );
  }

  const rawLen = top.get('SubnetLen');
  let subnetLen: number | undefined;
  if (rawLen !== undefined && rawLen !== null) {
    // Go decodes into a uint: negative or fractional numbers fail.
    if (typeof rawLen !== 'number' || !Number.isInteger(rawLen) || rawLen < 0) {
      findings.push(
        error(f('SubnetLen'), `must be a non-negative integer, got ${JSON.stringify(rawLen)}`),
      );
    } else if (rawLen > 0) subnetLen = rawLen;
  }
  const min = readIp4(top, 'SubnetMin', f('SubnetMin'), findings);
  const max = readIp4(top, 'SubnetMax', f('SubnetMax'), findings);

  const backend = readBackend(top, f('Backend'), findings);

  let plan: SubnetPlan | undefined;
  if (network !== undefined && min !== null && max !== null) {
    const input = {
      network,
      ...(subnetLen !== undefined ? { subnetLen } : {}),
      ...(min ? { subnetMin: min } : {}),
      ...(max ? { subnetMax: max } : {}),
    };
    const r = planSubnets(input, {
      network: f('Network'),
      subnetLen: f('SubnetLen'),
      subnetMin: f('SubnetMin'),
      subnetMax: f('SubnetMax'),
    });
    findings.push(...r.findings);
    plan = r.plan;
  }
  if (plan === undefined || backend === undefined || findings.some((x) => x.severity === 'error'))
    return { findings };
  return {
    config: {
      network: plan.network.canonical,
      subnetLen: plan.subnetLen,
      subnetMin: formatIp(plan.subnetMin, 4),
      subnetMax: formatIp(plan.subnetMax, 4),
      capacity: plan.capacity,
      plan,
      backend,
    },
    findings,
  };
}

function readBackend(
  top: Map<string, unknown>,
  field: string,
  findings: Finding[],
): ParsedFlannelConfig['backend'] | undefined {
  const raw = top.get('Backend');
  if (raw === undefined) {
    findings.push(
      error(
        field,
        'is missing, which flannel reads as the udp backend; Plexus speaks vxlan only',
        'add "Backend": {"Type": "vxlan", "VNI": 1}',
      ),
    );
    return undefined;
  }
  if (!isPlainObject(raw)) {
    findings.push(
      error(
        field,
        `must be an object, got ${describeType(raw)}`,
        'e.g. "Backend": {"Type": "vxlan", "VNI": 1}',
      ),
    );
    return undefined;
  }
  const be = foldKeys(raw, BACKEND_KEYS, field, findings);
  const f = (k: string): string => child(field, k);
  const type = be.get('Type');
  // flannel looks backends up by lower-cased name.
  if (typeof type !== 'string' || type.toLowerCase() !== 'vxlan') {
    findings.push(
      error(
        f('Type'),
        `${JSON.stringify(type ?? '')} is not supported; Plexus speaks vxlan only`,
        'use "Type": "vxlan"',
      ),
    );
  }
  const vni = readInt(be.get('VNI'), f('VNI'), FLANNEL_DEFAULT_VNI, 1, MAX_VNI, findings);
  const port = readInt(be.get('Port'), f('Port'), 0, 0, 65535, findings);
  const gbp = readBool(be.get('GBP'), f('GBP'), false, findings);
  const learning = readBool(be.get('Learning'), f('Learning'), false, findings);
  const directRouting = readBool(be.get('DirectRouting'), f('DirectRouting'), false, findings);
  if (gbp === true) {
    findings.push(
      warning(
        f('GBP'),
        'Plexus creates its VXLAN devices without Group Based Policy, so its nodes cannot exchange traffic with GBP flanneld nodes',
        'set "GBP": false',
      ),
    );
  }
  if (learning === true)
    findings.push(warning(f('Learning'), 'Plexus programs FDB entries statically and ignores it'));
  if (
    vni === undefined ||
    port === undefined ||
    gbp === undefined ||
    learning === undefined ||
    directRouting === undefined
  )
    return undefined;
  // Port 0: flannel leaves the port to the kernel, whose default is 8472.
  return {
    type: 'vxlan',
    vni,
    port: port === 0 ? DEFAULT_VXLAN_PORT : port,
    directRouting,
    gbp,
    learning,
  };
}

/** Go's encoding/json: keys match struct fields case-insensitively and the
 * last duplicate wins. Unknown keys are ignored by flannel: warn about them. */
function foldKeys(
  obj: Record<string, unknown>,
  known: readonly string[],
  base: string,
  findings: Finding[],
): Map<string, unknown> {
  const byFold = new Map(known.map((k) => [k.toLowerCase(), k]));
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(obj)) {
    const k = byFold.get(key.toLowerCase());
    if (k === undefined)
      findings.push(warning(child(base, key), 'is not a flannel setting; flannel ignores it'));
    else out.set(k, value);
  }
  return out;
}

/** Go decodes null into a bool or int as "no change", so null reads as absent. */
function readBool(
  v: unknown,
  field: string,
  fallback: boolean,
  findings: Finding[],
): boolean | undefined {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  findings.push(error(field, `must be true or false, got ${JSON.stringify(v)}`));
  return undefined;
}

function readInt(
  v: unknown,
  field: string,
  fallback: number,
  lo: number,
  hi: number,
  findings: Finding[],
): number | undefined {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi) return v;
  findings.push(error(field, `must be an integer from ${lo} to ${hi}, got ${JSON.stringify(v)}`));
  return undefined;
}

/** SubnetMin/SubnetMax: an IPv4 string; "0.0.0.0" means unset, as in flannel. null = invalid (reported). */
function readIp4(
  top: Map<string, unknown>,
  key: string,
  field: string,
  findings: Finding[],
): IpAddress | undefined | null {
  const v = top.get(key);
  if (v === undefined) return undefined;
  const ip = typeof v === 'string' ? parseIp(v) : undefined;
  if (ip === undefined || ip.family !== 4) {
    findings.push(error(field, `must be an IPv4 address string, got ${JSON.stringify(v)}`));
    return null;
  }
  return ip.value === 0n ? undefined : ip;
}
