// Reads and checks ONE object of the JSON list form of the networks
// annotation. Checks that need the whole list (interface names, default
// routes, host ports) live in attachment-set.ts.
import { child, error, warning } from '../common/findings.ts';
import type { FindingSink } from '../common/finding-sink.ts';
import { describeType, isPlainObject, typeError } from '../common/json-value.ts';
import { checkInterfaceMac } from '../common/mac.ts';
import { dns1123SubdomainProblem } from '../common/names.ts';
import { quote } from '../common/quote.ts';
import { didYouMean, suggestKey } from '../common/suggest.ts';
import { checkGatewaysInSubnets, readGateways, readIps } from './element-addresses.ts';
import { readBandwidth } from './element-bandwidth.ts';
import {
  DEPRECATED_INTERFACE_KEY,
  ELEMENT_KEY_ALIASES,
  ELEMENT_KEY_BY_LOWER,
  ELEMENT_KEY_SET,
  ELEMENT_KEYS,
  type ElementKey,
} from './element-keys.ts';
import { checkInterfaceName, checkNadName, checkNamespace } from './element-names.ts';
import { fieldOf, keyError, stringValue, type KeyPlace } from './element-place.ts';
import { readPortMappings } from './element-ports.ts';
import type { NetworkSelectionElement } from './types.ts';

const INFINIBAND_GUID = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){7}$/;

type KeyReader = (value: unknown, el: NetworkSelectionElement, at: KeyPlace) => void;

/** One reader per spec key: it stores the well-typed value in the element. */
const READERS: Readonly<Record<ElementKey, KeyReader>> = {
  name: (value, el, at) => {
    const v = stringValue(value, at);
    if (v === undefined) return;
    el.name = v;
    checkNadName(v, at);
  },
  namespace: (value, el, at) => {
    const v = stringValue(value, at);
    // Spec §4.1.2.1.1: a missing or empty namespace means the pod's.
    if (v === undefined || v === '') return;
    el.namespace = v;
    checkNamespace(v, at);
  },
  interface: (value, el, at) => {
    const v = stringValue(value, at, [
      'is empty and ignored; a name will be generated',
      'remove "interface" or give a name',
    ]);
    if (v === undefined) return;
    el.interface = v;
    checkInterfaceName(v, at);
  },
  ips: (value, el, at) => {
    el.ips = readIps(value, at);
  },
  mac: (value, el, at) => {
    const v = stringValue(value, at, ['is empty and ignored', 'remove "mac" or give an address']);
    if (v === undefined) return;
    el.mac = v;
    checkInterfaceMac(v, fieldOf(at), at.out, { allowInfiniband: true });
  },
  'default-route': (value, el, at) => {
    el['default-route'] = readGateways(value, at);
  },
  portMappings: (value, el, at) => {
    el.portMappings = readPortMappings(value, at);
  },
  bandwidth: (value, el, at) => {
    el.bandwidth = readBandwidth(value, at);
  },
  'cni-args': (value, el, at) => {
    if (!isPlainObject(value))
      at.out.push(
        typeError(
          fieldOf(at),
          'an object of CNI args',
          value,
          'write "cni-args": {"key": "value"}',
        ),
      );
    else el['cni-args'] = value;
  },
  'infiniband-guid': (value, el, at) => {
    const v = stringValue(value, at, [
      'is empty and ignored',
      'remove "infiniband-guid" or give a GUID',
    ]);
    if (v === undefined) return;
    el['infiniband-guid'] = v;
    if (!INFINIBAND_GUID.test(v))
      keyError(
        at,
        `${quote(v)} is not an InfiniBand GUID`,
        'write 8 colon-separated hex bytes, e.g. "c2:11:22:33:44:55:66:77"',
      );
  },
  'ipam-claim-reference': (value, el, at) => {
    const v = stringValue(value, at);
    if (v === undefined) return;
    el['ipam-claim-reference'] = v;
    const problem = dns1123SubdomainProblem(v);
    if (problem !== undefined)
      keyError(
        at,
        `must name an IPAMClaim: ${problem}`,
        "give the name of an IPAMClaim in the network's namespace",
      );
  },
};

/** Reads one spec key into `el`; a null value counts as absent (but not for `name`). */
function readElementKey(
  key: ElementKey,
  value: unknown,
  el: NetworkSelectionElement,
  at: KeyPlace,
): void {
  if (value === null && key !== 'name') {
    at.out.push(
      warning(fieldOf(at), 'is null and treated as absent', `remove ${quote(at.written)}`),
    );
    return;
  }
  READERS[key](value, el, at);
}

/** Checks one object of the JSON list form. Returns the element with every
 * well-typed field (unknown keys dropped), or undefined when `raw` is not an
 * object. `path` is the element's field path (`…[i]`). */
export function readJsonElement(
  raw: unknown,
  path: string,
  out: FindingSink,
): NetworkSelectionElement | undefined {
  if (!isPlainObject(raw)) {
    const fix =
      typeof raw === 'string'
        ? `write {"name": ${quote(raw)}} instead of a bare string`
        : 'write an object such as {"name": "my-network"}';
    out.push(
      error(
        path,
        `each list entry must be an object with a "name" (got ${describeType(raw)})`,
        fix,
      ),
    );
    return undefined;
  }
  const el: NetworkSelectionElement = { name: '' };
  let sawName = false;
  let deprecatedInterface: unknown;
  // One place per element, re-pointed at each key: this loop runs per key per pod.
  const at: KeyPlace = { path, written: '', out };
  for (const key in raw) {
    const value = raw[key];
    if (key === DEPRECATED_INTERFACE_KEY) {
      deprecatedInterface = value;
      continue;
    }
    const canon = ELEMENT_KEY_SET.has(key)
      ? (key as ElementKey)
      : unknownElementKey(raw, key, path, out);
    if (canon === undefined) continue;
    if (canon === 'name') sawName = true;
    at.written = key;
    readElementKey(canon, value, el, at);
  }
  if (!sawName)
    out.push(
      error(
        child(path, 'name'),
        'is required: the name of the NetworkAttachmentDefinition to attach',
        'add "name": "<nad-name>"',
      ),
    );
  if (deprecatedInterface !== undefined)
    readDeprecatedInterface(deprecatedInterface, el, path, out);
  crossFieldChecks(el, path, out);
  return el;
}

/** `interfaceRequest`: honoured with a warning, unless "interface" is set. */
function readDeprecatedInterface(
  value: unknown,
  el: NetworkSelectionElement,
  path: string,
  out: FindingSink,
): void {
  const at: KeyPlace = { path, written: DEPRECATED_INTERFACE_KEY, out };
  if (typeof value !== 'string') {
    out.push(typeError(fieldOf(at), 'a string', value));
    return;
  }
  if (el.interface !== undefined) {
    out.push(
      warning(
        fieldOf(at),
        'is the pre-3.2 Multus spelling of "interface" and is ignored because "interface" is set',
        `remove "${DEPRECATED_INTERFACE_KEY}"`,
      ),
    );
    return;
  }
  out.push(
    warning(
      fieldOf(at),
      'is the deprecated (pre-3.2 Multus) spelling of "interface"; it is still honoured',
      `rename it to "interface"`,
    ),
  );
  readElementKey('interface', value, el, at);
}

/** Handles a key that is not one of the spec's. Returns the spec key to read
 * it as (Go-style case-insensitive match), or undefined to ignore it. */
function unknownElementKey(
  raw: Record<string, unknown>,
  key: string,
  path: string,
  out: FindingSink,
): ElementKey | undefined {
  // Keys with a period are the spec's reverse-DNS extension keys.
  if (key.includes('.')) return undefined;
  const at = child(path, key);
  const folded = ELEMENT_KEY_BY_LOWER.get(key.toLowerCase());
  if (folded === undefined) {
    out.push(
      warning(
        at,
        'is not a key of the NPWG network selection element and is ignored',
        didYouMean(
          suggestKey(key, ELEMENT_KEYS, ELEMENT_KEY_ALIASES),
          'remove it, or use a reverse-DNS key such as "org.example.my-key" for your own data',
        ),
      ),
    );
    return undefined;
  }
  if (Object.hasOwn(raw, folded)) {
    out.push(
      warning(
        at,
        `is ignored: keys are case-sensitive and "${folded}" is also set`,
        `remove ${quote(key)}`,
      ),
    );
    return undefined;
  }
  out.push(
    warning(
      at,
      `is read as "${folded}" because Multus matches keys case-insensitively; the spec spells it "${folded}"`,
      `rename it to "${folded}"`,
    ),
  );
  return folded;
}

/** Checks that involve two keys of the same element. */
function crossFieldChecks(el: NetworkSelectionElement, path: string, out: FindingSink): void {
  if (el['ipam-claim-reference'] !== undefined && el.ips !== undefined) {
    out.push(
      error(
        child(path, 'ipam-claim-reference'),
        'cannot be combined with "ips": the IPAMClaim decides the addresses',
        'keep either "ips" or "ipam-claim-reference"',
      ),
    );
  }
  const gateways = el['default-route'];
  const ips = el.ips;
  if (gateways !== undefined && ips !== undefined && ips.length > 0)
    checkGatewaysInSubnets(gateways, ips, path, out);
}
