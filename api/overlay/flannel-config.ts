// The network config flannel keeps at `<prefix>/config` in etcd: building the
// one Plexus writes, and reading one an upstream flanneld's admin wrote, with
// flannel's own semantics (Go's encoding/json matches keys case-insensitively,
// the last duplicate wins, unknown keys are ignored; an absent Backend means
// the long-gone udp backend; Port 0 means the kernel's 8472).
import { appendAll, child, error, hasErrors, warning } from '../common/findings.ts';
import type { Checked, Finding } from '../common/findings.ts';
import { readJsonText } from '../common/json-text.ts';
import { isPlainObject, readInteger, typeError } from '../common/json-value.ts';
import { PORT_MAX, VNI_MAX } from '../common/limits.ts';
import { quoteValue } from '../common/quote.ts';
import { formatIp, isCanonical, parseCidr, parseIp, type Cidr, type IpAddress } from '../net/ip.ts';
import { DEFAULT_VXLAN_PORT, FLANNEL_DEFAULT_VNI } from '../resources/overlay-network-names.ts';
import type { ResolvedOverlay } from './resolved.ts';
import { planSubnets, type SubnetPlan } from './subnets.ts';

/** Exactly the JSON object Plexus writes to `<prefix>/config` (key order as flannel's docs). */
export interface FlannelNetworkConfig {
  Network: string;
  SubnetLen: number;
  SubnetMin: string;
  SubnetMax: string;
  Backend: { Type: 'vxlan'; VNI: number; Port: number; DirectRouting?: true };
}

/** The config for a resolved network, every default written out so that
 * flanneld and Plexus never compute one differently. */
export function flannelNetworkConfig(overlay: ResolvedOverlay): FlannelNetworkConfig {
  const c = overlay.config;
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

/** Reads a `<prefix>/config` value. `value` is set only when there is no error;
 * `base` prefixes field paths (e.g. the etcd key). */
export function parseFlannelNetworkConfig(
  json: string,
  base = 'config',
): Checked<ParsedFlannelConfig> {
  const findings: Finding[] = [];
  const parsed = readJsonText(json, base, findings);
  if (!parsed.ok) return { findings };
  const doc = parsed.value;
  if (!isPlainObject(doc)) return { findings: [typeError(base, 'a JSON object', doc)] };
  const top = foldKeys(doc, TOP_KEYS, base, findings);
  const f = (k: string): string => child(base, k);
  checkFamilies(top, base, findings);
  const network = readFlannelNetwork(top.get('Network'), f('Network'), findings);
  const rawLen = top.get('SubnetLen');
  let subnetLen: number | undefined;
  // Go decodes into a uint: negative or fractional numbers fail; 0 means the default.
  if (rawLen !== undefined && rawLen !== null) {
    if (typeof rawLen !== 'number' || !Number.isInteger(rawLen) || rawLen < 0)
      findings.push(
        error(f('SubnetLen'), `must be a non-negative integer (got ${quoteValue(rawLen)})`),
      );
    else if (rawLen > 0) subnetLen = rawLen;
  }
  const min = readIp4(top, 'SubnetMin', f('SubnetMin'), findings);
  const max = readIp4(top, 'SubnetMax', f('SubnetMax'), findings);
  const backend = readBackend(top, f('Backend'), findings);
  if (network === undefined || min === null || max === null) return { findings };
  const r = planSubnets(
    {
      network,
      ...(subnetLen !== undefined ? { subnetLen } : {}),
      ...(min ? { subnetMin: min } : {}),
      ...(max ? { subnetMax: max } : {}),
    },
    {
      network: f('Network'),
      subnetLen: f('SubnetLen'),
      subnetMin: f('SubnetMin'),
      subnetMax: f('SubnetMax'),
    },
  );
  appendAll(findings, r.findings);
  const plan = r.plan;
  if (plan === undefined || backend === undefined || hasErrors(findings)) return { findings };
  return {
    value: {
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

/** EnableIPv4 must stay on; EnableIPv6 is served only in its IPv4 part. */
function checkFamilies(top: Map<string, unknown>, base: string, findings: Finding[]): void {
  const f = (k: string): string => child(base, k);
  if (readBool(top.get('EnableIPv4'), f('EnableIPv4'), true, findings) === false)
    findings.push(
      error(
        f('EnableIPv4'),
        'is false: Plexus overlays are IPv4 networks',
        'remove EnableIPv4 or set it to true',
      ),
    );
  if (readBool(top.get('EnableIPv6'), f('EnableIPv6'), false, findings) === true)
    findings.push(
      warning(
        f('EnableIPv6'),
        'Plexus serves only the IPv4 part of this network',
        'nodes joined by Plexus get no IPv6 subnet',
      ),
    );
}

/** Network: an IPv4 CIDR; host bits are a warning (flannel masks them). */
function readFlannelNetwork(raw: unknown, field: string, findings: Finding[]): Cidr | undefined {
  const network = typeof raw === 'string' ? parseCidr(raw) : undefined;
  if (raw === undefined)
    findings.push(error(field, 'is required', 'e.g. "Network": "10.5.0.0/16"'));
  else if (network === undefined)
    findings.push(
      error(field, `${quoteValue(raw)} is not a CIDR`, 'e.g. "Network": "10.5.0.0/16"'),
    );
  else if (network.family !== 4)
    findings.push(
      error(field, `${quoteValue(raw)} is IPv6; Network is IPv4 (IPv6 goes in IPv6Network)`),
    );
  else {
    if (!isCanonical(network))
      findings.push(
        warning(
          field,
          `${quoteValue(raw)} has host bits set; flannel uses ${network.canonical}`,
          `write ${network.canonical}`,
        ),
      );
    return network;
  }
  return undefined;
}

function readBackend(
  top: Map<string, unknown>,
  field: string,
  findings: Finding[],
): ParsedFlannelConfig['backend'] | undefined {
  const be = readBackendKeys(top.get('Backend'), field, findings);
  if (be === undefined) return undefined;
  const f = (k: string): string => child(field, k);
  const type = be.get('Type');
  // flannel looks backends up by lower-cased name.
  if (typeof type !== 'string' || type.toLowerCase() !== 'vxlan')
    findings.push(
      error(
        f('Type'),
        `${quoteValue(type ?? '')} is not supported; Plexus speaks vxlan only`,
        'use "Type": "vxlan"',
      ),
    );
  const vniRange = { min: 1, max: VNI_MAX, fallback: FLANNEL_DEFAULT_VNI };
  const vni = readFlannelInt(be.get('VNI'), f('VNI'), vniRange, findings);
  const port = readFlannelInt(
    be.get('Port'),
    f('Port'),
    { min: 0, max: PORT_MAX, fallback: 0 },
    findings,
  );
  const gbp = readBool(be.get('GBP'), f('GBP'), false, findings);
  const learning = readBool(be.get('Learning'), f('Learning'), false, findings);
  const directRouting = readBool(be.get('DirectRouting'), f('DirectRouting'), false, findings);
  if (gbp === true)
    findings.push(
      warning(
        f('GBP'),
        'Plexus creates its VXLAN devices without Group Based Policy, so its nodes cannot exchange traffic with GBP flanneld nodes',
        'set "GBP": false',
      ),
    );
  if (learning === true)
    findings.push(warning(f('Learning'), 'Plexus programs FDB entries statically and ignores it'));
  if (vni === undefined || port === undefined) return undefined;
  if (gbp === undefined || learning === undefined || directRouting === undefined) return undefined;
  // Port 0: flannel leaves the port to the kernel, whose default is 8472.
  const effectivePort = port === 0 ? DEFAULT_VXLAN_PORT : port;
  return { type: 'vxlan', vni, port: effectivePort, directRouting, gbp, learning };
}

/** The Backend object's keys as flannel folds them, or undefined after a finding. */
function readBackendKeys(
  raw: unknown,
  field: string,
  findings: Finding[],
): Map<string, unknown> | undefined {
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
      typeError(field, 'an object', raw, 'e.g. "Backend": {"Type": "vxlan", "VNI": 1}'),
    );
    return undefined;
  }
  return foldKeys(raw, BACKEND_KEYS, field, findings);
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
  findings.push(typeError(field, 'true or false', v));
  return undefined;
}

/** An integer in [min, max]; absent or null reads as `fallback`. */
function readFlannelInt(
  v: unknown,
  field: string,
  range: { min: number; max: number; fallback: number },
  findings: Finding[],
): number | undefined {
  if (v === undefined || v === null) return range.fallback;
  return readInteger(v, field, range, findings);
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
    findings.push(error(field, `must be an IPv4 address string (got ${quoteValue(v)})`));
    return null;
  }
  return ip.value === 0n ? undefined : ip;
}
