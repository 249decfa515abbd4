// Checks of a plugin's `ipam` section, following how the reference IPAM
// plugins read it (containernetworking/plugins: host-local in host-local.ts,
// static's address list, dhcp). Other IPAM types (whereabouts, calico-ipam, …)
// are accepted unchecked, and so is the IPAM of a third-party plugin at error
// level: plugins such as Antrea and Calico fill in their IPAM config
// themselves (`{"type": "host-local"}` without ranges, Calico's
// `"subnet": "usePodCidr"`) before host-local sees it, so there the reference
// rules only warn.
import type { FindingOut } from '../common/finding-sink.ts';
import { quote } from '../common/quote.ts';
import { child, error, warning } from '../common/findings.ts';
import {
  gatewayAddressFix,
  gatewayAddressProblem,
  interfaceAddressFix,
  interfaceAddressProblem,
} from '../common/interface-address.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { didYouMean, suggestName } from '../common/suggest.ts';
import { cidrContainsIp, formatIp, parseCidr, type Cidr } from '../net/ip.ts';
import {
  familyName,
  optArray,
  optIp,
  optString,
  pluginTypeProblem,
  type Json,
} from './field-readers.ts';
import { checkHostLocal } from './host-local.ts';
import { checkMisspeltKeys, KNOWN_KEYS } from './known-keys.ts';
import { checkDns, checkRoutes } from './routes-and-dns.ts';

/** What the enclosing plugin offers and is. */
export interface IpamContext {
  /** The plugin's `capabilities` (e.g. `ipRanges`), when it is an object. */
  capabilities?: Json;
  /** The type of the enclosing plugin when it is neither a reference plugin nor
   * Plexus's: it may rewrite the section, so the reference IPAM rules only warn. */
  thirdPartyPlugin?: string;
}

/** IPAM plugins people use, for "did you mean" on an IPAM type one letter off. */
const KNOWN_IPAM_TYPES = [
  'host-local',
  'static',
  'dhcp',
  'whereabouts',
  'calico-ipam',
  'spiderpool',
  'kube-ovn',
  'azure-vnet-ipam',
  'nv-ipam',
];

/** `out`, with errors turned into warnings that say why they are only warnings. */
function onlyWarnings(out: FindingOut, plugin: string): FindingOut {
  const why = `; only a warning: ${quote(plugin)} is not a reference plugin and may fill in its IPAM config itself`;
  return {
    push: (f) =>
      out.push(f.severity === 'error' ? warning(f.field, `${f.message}${why}`, f.fix) : f),
    get length() {
      return out.length;
    },
  };
}

/** Checks `ipam` and returns its type when the section is usable. An empty
 * `ipam: {}` is the common Multus idiom for "layer 2 only": the plugins treat an
 * empty type as no IPAM, so it returns undefined without a finding. */
export function checkIpam(
  v: unknown,
  path: string,
  ctx: IpamContext,
  out: FindingOut,
): string | undefined {
  if (!isPlainObject(v)) {
    out.push(typeError(path, 'an object', v));
    return undefined;
  }
  const type = optString(v, 'type', path, out);
  if (type === undefined || type === '') {
    if (v.type === undefined && Object.keys(v).length === 0) return undefined;
    if (v.type === undefined || v.type === '') {
      const typo = Object.keys(v).find((k) => suggestName(k, ['type']) === 'type');
      out.push(
        error(
          child(path, 'type'),
          'is required when ipam has settings: the plugin ignores an ipam section without a type and the interface gets no address',
          typo !== undefined
            ? `did you mean "type"? (${quote(typo)} is set)`
            : 'set "type" (host-local, static, dhcp, …), or use "ipam": {} for a layer-2 only interface',
        ),
      );
    }
    return undefined;
  }
  const problem = pluginTypeProblem(type);
  if (problem !== undefined) {
    out.push(error(child(path, 'type'), `IPAM type ${quote(type)} ${problem}`));
    return undefined;
  }
  const rules = ctx.thirdPartyPlugin === undefined ? out : onlyWarnings(out, ctx.thirdPartyPlugin);
  switch (type) {
    case 'host-local':
      checkHostLocal(v, path, ctx, rules);
      break;
    case 'static':
      checkStatic(v, path, rules);
      break;
    case 'dhcp':
      checkMisspeltKeys({ obj: v, path, owner: 'dhcp' }, KNOWN_KEYS.dhcp, out);
      break;
    default:
      // Third-party IPAM plugins define their own fields.
      checkIpamTypeSpelling(type, child(path, 'type'), out);
      break;
  }
  return type;
}

function checkIpamTypeSpelling(type: string, field: string, out: FindingOut): void {
  const near = suggestName(type, KNOWN_IPAM_TYPES);
  if (near === undefined) return;
  out.push(
    warning(
      field,
      `IPAM type ${quote(type)} is not one Plexus knows, and close to ${quote(near)}: the plugin runs the binary of exactly this name`,
      didYouMean(near),
    ),
  );
}

/** static: its addresses, if any. None is fine: pods pass theirs in the
 * networks annotation's "ips", which Multus (and Plexus) hand over as CNI_ARGS
 * IP=… and, with the `ips` capability, runtimeConfig.ips; the static plugin reads both. */
function checkStatic(ipam: Json, path: string, out: FindingOut): void {
  checkMisspeltKeys({ obj: ipam, path, owner: 'static' }, KNOWN_KEYS.static, out);
  checkRoutes(ipam.routes, child(path, 'routes'), out);
  if (ipam.dns !== undefined) checkDns(ipam.dns, child(path, 'dns'), out);
  const addresses = optArray(ipam, 'addresses', path, out);
  addresses?.forEach((a, i) => checkStaticAddress(a, child(child(path, 'addresses'), i), out));
}

function checkStaticAddress(a: unknown, path: string, out: FindingOut): void {
  if (!isPlainObject(a)) {
    out.push(typeError(path, 'an object', a));
    return;
  }
  const owner = 'a static address';
  checkMisspeltKeys({ obj: a, path, owner }, KNOWN_KEYS.staticAddress, out);
  if (a.address === undefined) {
    out.push(
      error(
        child(path, 'address'),
        'is required',
        'add "address": "10.1.1.5/24" (the IP with its prefix length)',
      ),
    );
    return;
  }
  const aPath = child(path, 'address');
  if (typeof a.address !== 'string') {
    out.push(typeError(aPath, 'a string', a.address));
    return;
  }
  const cidr = parseCidr(a.address);
  if (cidr === undefined) {
    out.push(
      error(
        aPath,
        `${quote(a.address)} is not an address with a prefix length`,
        'write the IP and its prefix length, e.g. 10.1.1.5/24',
      ),
    );
    return;
  }
  const problem = interfaceAddressProblem(cidr.address, cidr.prefix);
  if (problem !== undefined) {
    out.push(error(aPath, `${quote(a.address)} ${problem}`, interfaceAddressFix(cidr.address)));
    return;
  }
  // An interface address must name a host: the network and broadcast addresses
  // of an IPv4 subnet (up to /30) are not usable as one.
  if (
    cidr.family === 4 &&
    cidr.prefix <= 30 &&
    (cidr.address.value === cidr.network || cidr.address.value === cidr.broadcast)
  ) {
    const which = cidr.address.value === cidr.network ? 'network' : 'broadcast';
    out.push(
      error(
        aPath,
        `${cidr.address.text} is the ${which} address of ${cidr.canonical}, not a host address`,
        `use a host address such as ${formatIp(cidr.network + 1n, 4)}/${cidr.prefix}`,
      ),
    );
  }
  checkStaticGateway(a, path, cidr, out);
}

/** The address's optional gateway: same family, inside the address's subnet. */
function checkStaticGateway(a: Json, path: string, cidr: Cidr, out: FindingOut): void {
  const gw = optIp(a, 'gateway', path, out);
  if (gw === undefined) return;
  const problem = gatewayAddressProblem(gw);
  if (problem !== undefined) {
    out.push(error(child(path, 'gateway'), `${quote(gw.text)} ${problem}`, gatewayAddressFix(gw)));
  } else if (gw.family !== cidr.family) {
    out.push(
      error(
        child(path, 'gateway'),
        `${gw.text} is ${familyName(gw.family)} but the address is ${familyName(cidr.family)}`,
      ),
    );
  } else if (!cidrContainsIp(cidr, gw)) {
    out.push(
      error(
        child(path, 'gateway'),
        `${gw.text} is not inside ${cidr.canonical}, so it is not reachable on this interface`,
        `use a gateway inside ${cidr.canonical} or add a route to it`,
      ),
    );
  }
}
