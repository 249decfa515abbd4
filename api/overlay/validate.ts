// Checks one OverlayNetwork on its own: the shape the CRD schema enforces, the
// CEL rules, and flannel's subnet limits, with a fix wherever we can tell.
// The webhook, the operator and `plexus validate` all use it, so a manifest
// gets the same words offline and at admission.
import { child, describeType, error, isPlainObject, warning, type Finding } from '../findings.ts';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../names.ts';
import { isCanonical, parseCidr, parseIp, type IpAddress } from '../net/ip.ts';
import { suggestKey } from '../npwg/suggest.ts';
import { PLEXUS_API_VERSION } from '../resources/common.ts';
import {
  DEFAULT_VXLAN_PORT,
  ETCD_PREFIX_MAX_LENGTH,
  ETCD_PREFIX_PATTERN,
  FLANNEL_DEFAULT_VNI,
  MAX_ATTACHMENT_NAMESPACES,
  MAX_VNI,
  OVERLAY_NETWORK_KIND,
} from '../resources/overlay-network.ts';
import { checkLabelSelector } from './selector.ts';
import { planSubnets } from './subnets.ts';

const SPEC_KEYS = [
  'network',
  'subnetLen',
  'subnetMin',
  'subnetMax',
  'backend',
  'mtu',
  'ipMasq',
  'etcdPrefix',
  'nodeSelector',
  'attachment',
];
const BACKEND_KEYS = ['type', 'vni', 'port', 'directRouting'];
const ATTACHMENT_KEYS = ['namespaces', 'namespaceSelector'];
const TOP_KEYS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];
const ETCD_PREFIX = new RegExp(ETCD_PREFIX_PATTERN);

/** Everything wrong with one OverlayNetwork object (parsed YAML/JSON). */
export function checkOverlayNetwork(on: unknown): Finding[] {
  if (!isPlainObject(on))
    return [error('', `an OverlayNetwork must be an object, got ${describeType(on)}`)];
  const findings: Finding[] = [];
  findings.push(...unknownKeys(on, TOP_KEYS, ''));
  if (on.apiVersion !== PLEXUS_API_VERSION) {
    findings.push(
      error(
        'apiVersion',
        `must be ${PLEXUS_API_VERSION}, got ${JSON.stringify(on.apiVersion)}`,
        `apiVersion: ${PLEXUS_API_VERSION}`,
      ),
    );
  }
  if (on.kind !== OVERLAY_NETWORK_KIND) {
    findings.push(
      error(
        'kind',
        `must be ${OVERLAY_NETWORK_KIND}, got ${JSON.stringify(on.kind)}`,
        `kind: ${OVERLAY_NETWORK_KIND}`,
      ),
    );
  }
  findings.push(...checkMetadata(on.metadata));
  if (on.spec === undefined)
    findings.push(error('spec', 'is required', 'add a spec with at least network and backend.vni'));
  else findings.push(...checkOverlayNetworkSpec(on.spec, 'spec'));
  return findings;
}

function checkMetadata(meta: unknown): Finding[] {
  if (!isPlainObject(meta))
    return [
      error(
        'metadata',
        meta === undefined ? 'is required' : `must be an object, got ${describeType(meta)}`,
        'add metadata.name',
      ),
    ];
  const { name, generateName, namespace } = meta;
  const findings: Finding[] = [];
  if (name === undefined && typeof generateName === 'string') {
    // The API server appends 5 characters to generateName.
    const p = dns1123LabelProblem(`${generateName}xxxxx`);
    if (p !== undefined)
      findings.push(error('metadata.generateName', `with the generated suffix the name ${p}`));
  } else if (typeof name !== 'string') {
    findings.push(
      error(
        'metadata.name',
        name === undefined ? 'is required' : `must be a string, got ${describeType(name)}`,
      ),
    );
  } else {
    const sub = dns1123SubdomainProblem(name);
    const label = dns1123LabelProblem(name);
    if (sub !== undefined)
      findings.push(error('metadata.name', `${JSON.stringify(name)} ${sub}`, suggestName(name)));
    else if (label !== undefined) {
      findings.push(
        error(
          'metadata.name',
          `${JSON.stringify(name)} ${label}: the NetworkAttachmentDefinitions generated for this network carry its name`,
          suggestName(name),
        ),
      );
    }
  }
  if (typeof namespace === 'string' && namespace !== '') {
    findings.push(
      warning(
        'metadata.namespace',
        'OverlayNetwork is cluster-scoped: the namespace is ignored',
        'remove metadata.namespace',
      ),
    );
  }
  return findings;
}

function suggestName(name: string): string | undefined {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return s === '' || s === name ? undefined : `use ${JSON.stringify(s)}`;
}

/** Checks a spec; `base` is its field path. Exported for callers that hold a bare spec. */
export function checkOverlayNetworkSpec(spec: unknown, base = 'spec'): Finding[] {
  if (!isPlainObject(spec)) return [error(base, `must be an object, got ${describeType(spec)}`)];
  const f = (k: string): string => child(base, k);
  const findings: Finding[] = [...unknownKeys(spec, SPEC_KEYS, base)];

  // network, subnetLen, subnetMin, subnetMax: types first, then flannel's rules.
  const { network, subnetLen, subnetMin, subnetMax } = spec;
  let cidrOk = false;
  const cidr = typeof network === 'string' ? parseCidr(network) : undefined;
  if (network === undefined)
    findings.push(error(f('network'), 'is required', 'e.g. network: 10.5.0.0/16'));
  else if (typeof network !== 'string')
    findings.push(
      error(
        f('network'),
        `must be a string, got ${describeType(network)}`,
        'e.g. network: 10.5.0.0/16',
      ),
    );
  else if (cidr === undefined)
    findings.push(
      error(
        f('network'),
        `${JSON.stringify(network)} is not a CIDR`,
        'write it as address/prefix, e.g. 10.5.0.0/16',
      ),
    );
  else if (cidr.family !== 4)
    findings.push(
      error(
        f('network'),
        `${network} is IPv6; overlay networks are IPv4 (as flannel's Network)`,
        'use an IPv4 CIDR such as 10.5.0.0/16',
      ),
    );
  else if (!isCanonical(cidr)) {
    findings.push(error(f('network'), `${network} has host bits set`, `use ${cidr.canonical}`));
  } else cidrOk = true;

  let lenOk = true;
  if (subnetLen !== undefined && !isIntIn(subnetLen, 1, 30)) {
    findings.push(
      error(
        f('subnetLen'),
        `must be an integer from 1 to 30, got ${JSON.stringify(subnetLen)}`,
        "omit it for flannel's default",
      ),
    );
    lenOk = false;
  }
  const min = checkIpv4(subnetMin, f('subnetMin'), findings);
  const max = checkIpv4(subnetMax, f('subnetMax'), findings);
  if (cidrOk && cidr !== undefined && lenOk && min !== null && max !== null) {
    const input = {
      network: cidr,
      ...(typeof subnetLen === 'number' ? { subnetLen } : {}),
      ...(min ? { subnetMin: min } : {}),
      ...(max ? { subnetMax: max } : {}),
    };
    findings.push(
      ...planSubnets(input, {
        network: f('network'),
        subnetLen: f('subnetLen'),
        subnetMin: f('subnetMin'),
        subnetMax: f('subnetMax'),
      }).findings,
    );
  }

  findings.push(...checkBackend(spec.backend, f('backend')));

  if (spec.mtu !== undefined && !isIntIn(spec.mtu, 68, 65535)) {
    findings.push(
      error(
        f('mtu'),
        `must be an integer from 68 to 65535, got ${JSON.stringify(spec.mtu)}`,
        'omit it to use the uplink MTU - 50',
      ),
    );
  }
  if (spec.ipMasq !== undefined && typeof spec.ipMasq !== 'boolean') {
    findings.push(error(f('ipMasq'), `must be true or false, got ${JSON.stringify(spec.ipMasq)}`));
  }
  if (spec.etcdPrefix !== undefined)
    findings.push(...checkEtcdPrefix(spec.etcdPrefix, f('etcdPrefix')));
  if (spec.nodeSelector !== undefined)
    findings.push(...checkLabelSelector(spec.nodeSelector, f('nodeSelector')));
  if (spec.attachment !== undefined)
    findings.push(...checkAttachment(spec.attachment, f('attachment')));
  return findings;
}

function checkBackend(backend: unknown, base: string): Finding[] {
  if (backend === undefined) return [error(base, 'is required', 'e.g. backend: {vni: 2}')];
  if (!isPlainObject(backend))
    return [
      error(base, `must be an object, got ${describeType(backend)}`, 'e.g. backend: {vni: 2}'),
    ];
  const f = (k: string): string => child(base, k);
  const findings = unknownKeys(backend, BACKEND_KEYS, base);
  const { type, vni, port, directRouting } = backend;
  if (type !== undefined && type !== 'vxlan') {
    findings.push(
      error(f('type'), `${JSON.stringify(type)} is not supported`, 'use vxlan (or omit it)'),
    );
  }
  if (vni === undefined) {
    findings.push(
      error(
        f('vni'),
        'is required: every OverlayNetwork needs its own VXLAN Network Identifier',
        'pick an unused number from 2 to 16777215',
      ),
    );
  } else if (!isIntIn(vni, 1, MAX_VNI)) {
    findings.push(
      error(f('vni'), `must be an integer from 1 to ${MAX_VNI}, got ${JSON.stringify(vni)}`),
    );
  }
  const effectivePort = port === undefined ? DEFAULT_VXLAN_PORT : port;
  if (port !== undefined && !isIntIn(port, 1, 65535)) {
    findings.push(
      error(
        f('port'),
        `must be an integer from 1 to 65535, got ${JSON.stringify(port)}`,
        `omit it for ${DEFAULT_VXLAN_PORT}`,
      ),
    );
  } else if (vni === FLANNEL_DEFAULT_VNI && effectivePort === DEFAULT_VXLAN_PORT) {
    findings.push(
      warning(
        f('vni'),
        `VNI ${FLANNEL_DEFAULT_VNI} on port ${DEFAULT_VXLAN_PORT} is flannel's default: if the cluster network is flannel, the kernel refuses a second device with it`,
        'pick another VNI, e.g. 2',
      ),
    );
  }
  if (directRouting !== undefined && typeof directRouting !== 'boolean') {
    findings.push(
      error(f('directRouting'), `must be true or false, got ${JSON.stringify(directRouting)}`),
    );
  }
  return findings;
}

function checkEtcdPrefix(prefix: unknown, field: string): Finding[] {
  if (typeof prefix !== 'string')
    return [error(field, `must be a string, got ${describeType(prefix)}`, 'e.g. /k8s/network2')];
  if (prefix.length > ETCD_PREFIX_MAX_LENGTH)
    return [
      error(field, `must be at most ${ETCD_PREFIX_MAX_LENGTH} characters (has ${prefix.length})`),
    ];
  if (ETCD_PREFIX.test(prefix)) return [];
  const cleaned = `/${prefix
    .split('/')
    .filter((s) => s !== '')
    .join('/')}`.replace(/[^A-Za-z0-9._/-]/g, '-');
  const fix = ETCD_PREFIX.test(cleaned) ? `use ${cleaned}` : 'e.g. /k8s/network2';
  if (!prefix.startsWith('/'))
    return [error(field, `${JSON.stringify(prefix)} must be absolute (start with "/")`, fix)];
  if (prefix.endsWith('/'))
    return [
      error(
        field,
        `${JSON.stringify(prefix)} must not end with "/": flannel appends /config and /subnets/`,
        fix,
      ),
    ];
  if (prefix.includes('//'))
    return [
      error(field, `${JSON.stringify(prefix)} must not contain an empty segment ("//")`, fix),
    ];
  return [
    error(
      field,
      `${JSON.stringify(prefix)} may only contain letters, digits, ".", "_", "-" and "/"`,
      fix,
    ),
  ];
}

function checkAttachment(att: unknown, base: string): Finding[] {
  if (!isPlainObject(att))
    return [
      error(
        base,
        `must be an object, got ${describeType(att)}`,
        'e.g. attachment: {namespaces: [default]}',
      ),
    ];
  const findings = unknownKeys(att, ATTACHMENT_KEYS, base);
  const { namespaces, namespaceSelector } = att;
  if (namespaces !== undefined && namespaceSelector !== undefined) {
    findings.push(
      error(base, 'set either namespaces or namespaceSelector, not both', 'keep one of them'),
    );
  }
  if (namespaces !== undefined) {
    const f = child(base, 'namespaces');
    if (!Array.isArray(namespaces))
      findings.push(
        error(
          f,
          `must be a list of namespace names, got ${describeType(namespaces)}`,
          'e.g. namespaces: [default]',
        ),
      );
    else {
      if (namespaces.length > MAX_ATTACHMENT_NAMESPACES) {
        findings.push(
          error(
            f,
            `lists ${namespaces.length} namespaces, at most ${MAX_ATTACHMENT_NAMESPACES} are allowed`,
            'use namespaceSelector',
          ),
        );
      }
      const seen = new Set<string>();
      namespaces.forEach((ns: unknown, i) => {
        if (typeof ns !== 'string')
          findings.push(error(child(f, i), `must be a string, got ${describeType(ns)}`));
        else {
          const p = dns1123LabelProblem(ns);
          if (p !== undefined)
            findings.push(error(child(f, i), `namespace ${JSON.stringify(ns)} ${p}`));
          else if (seen.has(ns))
            findings.push(
              error(child(f, i), `namespace ${ns} is listed twice`, 'remove the duplicate'),
            );
          seen.add(ns);
        }
      });
    }
  }
  if (namespaceSelector !== undefined)
    findings.push(...checkLabelSelector(namespaceSelector, child(base, 'namespaceSelector')));
  return findings;
}

/** null = present but invalid (reported), undefined = absent. */
function checkIpv4(v: unknown, field: string, findings: Finding[]): IpAddress | undefined | null {
  if (v === undefined) return undefined;
  const ip = typeof v === 'string' ? parseIp(v) : undefined;
  if (ip === undefined || ip.family !== 4) {
    findings.push(
      error(
        field,
        `must be an IPv4 address such as 10.5.1.0, got ${JSON.stringify(v)}`,
        "omit it for flannel's default",
      ),
    );
    return null;
  }
  return ip;
}

function unknownKeys(
  obj: Record<string, unknown>,
  known: readonly string[],
  base: string,
): Finding[] {
  const findings: Finding[] = [];
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const s = suggestKey(key, known);
    findings.push(
      error(
        child(base, key),
        'is not a known field (the API server would reject or drop it)',
        s === undefined ? `known fields: ${known.join(', ')}` : `did you mean ${s}?`,
      ),
    );
  }
  return findings;
}

function isIntIn(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}
