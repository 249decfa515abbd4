// Reads an OverlayNetwork spec once, into the typed, resolved value every
// later rule uses: the shape the CRD schema enforces, the CEL rules and
// flannel's subnet limits, each problem with a fix where we can tell. Keys
// and limits come from the schema in api/resources, so the two cannot drift.
import { appendAll, checked, child, error, warning } from '../common/findings.ts';
import type { Checked, Finding } from '../common/findings.ts';
import { isPlainObject, readInteger, typeError, type IntRange } from '../common/json-value.ts';
import { dns1123LabelProblem } from '../common/names.ts';
import { quote, quoteValue } from '../common/quote.ts';
import { didYouMean, suggestKey } from '../common/suggest.ts';
import { formatIp, isCanonical, parseCidr, parseIp, type Cidr, type IpAddress } from '../net/ip.ts';
import type { LabelSelector } from '../resources/common.ts';
import {
  DEFAULT_VXLAN_PORT,
  FLANNEL_DEFAULT_VNI,
  MAX_ATTACHMENT_NAMESPACES,
  MAX_SUBNET_LEN,
  OVERLAY_ATTACHMENT_KEYS,
  OVERLAY_BACKEND_KEYS,
  OVERLAY_SPEC_KEYS,
} from '../resources/overlay-network-names.ts';
import type { OverlayBackend, OverlayNetworkSpec } from '../resources/overlay-network.ts';
import { MTU_MAX, MTU_MIN, PORT_MAX, PORT_MIN, VNI_MAX } from '../common/limits.ts';
import {
  DEFAULT_IP_MASQ,
  type AttachmentScope,
  type EffectiveOverlayConfig,
  type ResolvedOverlaySpec,
} from './resolved.ts';
import { readEtcdPrefix } from './etcd-prefix.ts';
import { uint16VniFinding } from './flannel-lease.ts';
import { checkLabelSelector } from './selector.ts';
import { planSubnets, type SubnetPlan } from './subnets.ts';

export const SPEC_KEYS = OVERLAY_SPEC_KEYS;
const BACKEND_KEYS = OVERLAY_BACKEND_KEYS;
const ATTACHMENT_KEYS = OVERLAY_ATTACHMENT_KEYS;

/** Reports the keys of `obj` that are not in `known`, with a suggestion. */
export function checkUnknownKeys(
  obj: Record<string, unknown>,
  known: readonly string[],
  base: string,
  out: Finding[],
): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    out.push(
      error(
        child(base, key),
        'is not a known field (the API server would reject or drop it)',
        didYouMean(suggestKey(key, known), `known fields: ${known.join(', ')}`),
      ),
    );
  }
}

/** Checks a spec at `base` and resolves it; `value` only when there is no error. */
export function checkOverlayNetworkSpec(
  spec: unknown,
  base = 'spec',
): Checked<ResolvedOverlaySpec> {
  if (!isPlainObject(spec)) return { findings: [typeError(base, 'an object', spec)] };
  const f = (k: string): string => child(base, k);
  const out: Finding[] = [];
  checkUnknownKeys(spec, SPEC_KEYS, base, out);
  const subnets = readSubnets(spec, base, out);
  const backend = readBackend(spec.backend, f('backend'), out);
  const mtuRange = { min: MTU_MIN, max: MTU_MAX, fix: 'omit it to use the uplink MTU - 50' };
  const mtu = readOptionalInteger(spec.mtu, f('mtu'), mtuRange, out);
  const ipMasq = readBool(spec.ipMasq, f('ipMasq'), out);
  const etcdPrefix =
    spec.etcdPrefix === undefined
      ? undefined
      : readEtcdPrefix(spec.etcdPrefix, f('etcdPrefix'), out);
  // An explicit prefix is how a network is shared with an upstream flanneld.
  const oldFlannel =
    etcdPrefix === undefined || backend === undefined
      ? undefined
      : uint16VniFinding(backend.effective.vni, child(f('backend'), 'vni'));
  if (oldFlannel !== undefined) out.push(oldFlannel);
  const nodeSelector = readSelector(spec.nodeSelector, f('nodeSelector'), out);
  const attachment = readAttachment(spec.attachment, f('attachment'), out);
  if (subnets === undefined || backend === undefined || attachment === undefined)
    return { findings: out };
  const typed: OverlayNetworkSpec = {
    ...subnets.written,
    backend: backend.written,
    ...(mtu === undefined ? {} : { mtu }),
    ...(ipMasq === undefined ? {} : { ipMasq }),
    ...(etcdPrefix === undefined ? {} : { etcdPrefix }),
    ...(nodeSelector === undefined ? {} : { nodeSelector }),
    ...(attachment.written === undefined ? {} : { attachment: attachment.written }),
  };
  const config: EffectiveOverlayConfig = {
    network: subnets.plan.network.canonical,
    subnetLen: subnets.plan.subnetLen,
    subnetMin: formatIp(subnets.plan.subnetMin, 4),
    subnetMax: formatIp(subnets.plan.subnetMax, 4),
    capacity: subnets.plan.capacity,
    backend: backend.effective,
    ...(mtu === undefined ? {} : { mtu }),
    ipMasq: ipMasq ?? DEFAULT_IP_MASQ,
  };
  return checked(out, {
    spec: typed,
    config,
    plan: subnets.plan,
    attachment: attachment.scope,
    ...(nodeSelector === undefined ? {} : { nodeSelector }),
  });
}

type WrittenSubnets = Pick<OverlayNetworkSpec, 'network' | 'subnetLen' | 'subnetMin' | 'subnetMax'>;

/** network, subnetLen, subnetMin, subnetMax: types first, then flannel's rules. */
function readSubnets(
  spec: Record<string, unknown>,
  base: string,
  out: Finding[],
): { written: WrittenSubnets; plan: SubnetPlan } | undefined {
  const f = (k: string): string => child(base, k);
  const network = readNetwork(spec.network, f('network'), out);
  const lenRange = { min: 1, max: MAX_SUBNET_LEN, fix: "omit it for flannel's default" };
  const subnetLen = readOptionalInteger(spec.subnetLen, f('subnetLen'), lenRange, out);
  const min = readIpv4(spec.subnetMin, f('subnetMin'), out);
  const max = readIpv4(spec.subnetMax, f('subnetMax'), out);
  if (network === undefined || min === null || max === null) return undefined;
  if (spec.subnetLen !== undefined && subnetLen === undefined) return undefined;
  const r = planSubnets(
    {
      network,
      ...(subnetLen === undefined ? {} : { subnetLen }),
      ...(min === undefined ? {} : { subnetMin: min }),
      ...(max === undefined ? {} : { subnetMax: max }),
    },
    {
      network: f('network'),
      subnetLen: f('subnetLen'),
      subnetMin: f('subnetMin'),
      subnetMax: f('subnetMax'),
    },
  );
  appendAll(out, r.findings);
  if (r.plan === undefined) return undefined;
  const written: WrittenSubnets = {
    network: network.canonical,
    ...(subnetLen === undefined ? {} : { subnetLen }),
    ...(min === undefined ? {} : { subnetMin: min.text }),
    ...(max === undefined ? {} : { subnetMax: max.text }),
  };
  return { written, plan: r.plan };
}

function readNetwork(network: unknown, field: string, out: Finding[]): Cidr | undefined {
  const example = 'e.g. network: 10.5.0.0/16';
  if (network === undefined) {
    out.push(error(field, 'is required', example));
    return undefined;
  }
  if (typeof network !== 'string') {
    out.push(typeError(field, 'a string', network, example));
    return undefined;
  }
  const cidr = parseCidr(network);
  if (cidr === undefined)
    out.push(
      error(
        field,
        `${quote(network)} is not a CIDR`,
        'write it as address/prefix, e.g. 10.5.0.0/16',
      ),
    );
  else if (cidr.family !== 4)
    out.push(
      error(
        field,
        `${quote(network)} is IPv6; overlay networks are IPv4 (as flannel's Network)`,
        'use an IPv4 CIDR such as 10.5.0.0/16',
      ),
    );
  else if (!isCanonical(cidr))
    out.push(error(field, `${quote(network)} has host bits set`, `use ${cidr.canonical}`));
  else return cidr;
  return undefined;
}

/** undefined = absent, null = present but invalid (reported). */
function readIpv4(v: unknown, field: string, out: Finding[]): IpAddress | undefined | null {
  if (v === undefined) return undefined;
  const ip = typeof v === 'string' ? parseIp(v) : undefined;
  if (ip !== undefined && ip.family === 4) return ip;
  out.push(
    error(
      field,
      `must be an IPv4 address such as 10.5.1.0 (got ${quoteValue(v)})`,
      "omit it for flannel's default",
    ),
  );
  return null;
}

/** An optional integer field: undefined when absent or after a finding. */
function readOptionalInteger(
  v: unknown,
  field: string,
  range: IntRange,
  out: Finding[],
): number | undefined {
  return v === undefined ? undefined : readInteger(v, field, range, out);
}

function readBool(v: unknown, field: string, out: Finding[]): boolean | undefined {
  if (v === undefined || typeof v === 'boolean') return v;
  out.push(typeError(field, 'true or false', v));
  return undefined;
}

interface ReadBackend {
  written: OverlayBackend;
  effective: EffectiveOverlayConfig['backend'];
}

function readBackend(backend: unknown, base: string, out: Finding[]): ReadBackend | undefined {
  const example = 'e.g. backend: {vni: 2}';
  if (backend === undefined) {
    out.push(error(base, 'is required', example));
    return undefined;
  }
  if (!isPlainObject(backend)) {
    out.push(typeError(base, 'an object', backend, example));
    return undefined;
  }
  const f = (k: string): string => child(base, k);
  const before = out.length;
  checkUnknownKeys(backend, BACKEND_KEYS, base, out);
  const { type, vni, port, directRouting } = backend;
  if (type !== undefined && type !== 'vxlan')
    out.push(error(f('type'), `${quoteValue(type)} is not supported`, 'use vxlan (or omit it)'));
  const vniValue = readVni(vni, f('vni'), out);
  const portValue =
    port === undefined
      ? DEFAULT_VXLAN_PORT
      : readInteger(
          port,
          f('port'),
          { min: PORT_MIN, max: PORT_MAX, fix: `omit it for ${DEFAULT_VXLAN_PORT}` },
          out,
        );
  if (vniValue === FLANNEL_DEFAULT_VNI && portValue === DEFAULT_VXLAN_PORT)
    out.push(
      warning(
        f('vni'),
        `VNI ${FLANNEL_DEFAULT_VNI} on port ${DEFAULT_VXLAN_PORT} is flannel's default: if the cluster network is flannel, the kernel refuses a second device with it`,
        'pick another VNI, e.g. 2',
      ),
    );
  const routing = readBool(directRouting, f('directRouting'), out);
  if (
    vniValue === undefined ||
    portValue === undefined ||
    out.slice(before).some((x) => x.severity === 'error')
  )
    return undefined;
  const written: OverlayBackend = {
    ...(type === undefined ? {} : { type: 'vxlan' }),
    vni: vniValue,
    ...(port === undefined ? {} : { port: portValue }),
    ...(routing === undefined ? {} : { directRouting: routing }),
  };
  return {
    written,
    effective: { type: 'vxlan', vni: vniValue, port: portValue, directRouting: routing === true },
  };
}

function readVni(vni: unknown, field: string, out: Finding[]): number | undefined {
  if (vni !== undefined) return readInteger(vni, field, { min: 1, max: VNI_MAX }, out);
  out.push(
    error(
      field,
      'is required: every OverlayNetwork needs its own VXLAN Network Identifier',
      `pick an unused number from 2 to ${VNI_MAX}`,
    ),
  );
  return undefined;
}

function readSelector(sel: unknown, field: string, out: Finding[]): LabelSelector | undefined {
  if (sel === undefined) return undefined;
  const r = checkLabelSelector(sel, field);
  appendAll(out, r.findings);
  return r.value;
}

interface ReadAttachment {
  written: OverlayNetworkSpec['attachment'];
  scope: AttachmentScope;
}

function readAttachment(att: unknown, base: string, out: Finding[]): ReadAttachment | undefined {
  if (att === undefined) return { written: undefined, scope: { namespaces: [] } };
  if (!isPlainObject(att)) {
    out.push(typeError(base, 'an object', att, 'e.g. attachment: {namespaces: [default]}'));
    return undefined;
  }
  const before = out.length;
  checkUnknownKeys(att, ATTACHMENT_KEYS, base, out);
  const { namespaces, namespaceSelector } = att;
  if (namespaces !== undefined && namespaceSelector !== undefined)
    out.push(
      error(base, 'set either namespaces or namespaceSelector, not both', 'keep one of them'),
    );
  const names =
    namespaces === undefined
      ? undefined
      : readNamespaces(namespaces, child(base, 'namespaces'), out);
  const selector = readSelector(namespaceSelector, child(base, 'namespaceSelector'), out);
  if (out.slice(before).some((x) => x.severity === 'error')) return undefined;
  return {
    written: {
      ...(names === undefined ? {} : { namespaces: names }),
      ...(selector === undefined ? {} : { namespaceSelector: selector }),
    },
    scope: { namespaces: names ?? [], ...(selector === undefined ? {} : { selector }) },
  };
}

function readNamespaces(namespaces: unknown, field: string, out: Finding[]): string[] | undefined {
  if (!Array.isArray(namespaces)) {
    out.push(
      typeError(field, 'a list of namespace names', namespaces, 'e.g. namespaces: [default]'),
    );
    return undefined;
  }
  if (namespaces.length > MAX_ATTACHMENT_NAMESPACES)
    out.push(
      error(
        field,
        `lists ${namespaces.length} namespaces, at most ${MAX_ATTACHMENT_NAMESPACES} are allowed`,
        'use namespaceSelector',
      ),
    );
  const seen = new Set<string>();
  namespaces.forEach((ns: unknown, i) => {
    if (typeof ns !== 'string') return void out.push(typeError(child(field, i), 'a string', ns));
    const p = dns1123LabelProblem(ns);
    if (p !== undefined) out.push(error(child(field, i), `namespace ${quote(ns)} ${p}`));
    else if (seen.has(ns))
      out.push(error(child(field, i), `namespace ${ns} is listed twice`, 'remove the duplicate'));
    seen.add(ns);
  });
  return namespaces.filter((n): n is string => typeof n === 'string');
}
