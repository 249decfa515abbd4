// The address keys of a selection element: "ips" (static addresses, with or
// without a prefix) and "default-route" (gateways), and the check between
// them: a gateway must lie in a requested subnet of its family.
import { child, warning } from '../common/findings.ts';
import { typeError } from '../common/json-value.ts';
import { quote } from '../common/quote.ts';
import {
  gatewayAddressFix,
  gatewayAddressProblem,
  interfaceAddressFix,
  interfaceAddressProblem,
} from '../common/interface-address.ts';
import { parseCidr, parseIp } from '../net/ip.ts';
import { fieldOf, keyError, type KeyPlace } from './element-place.ts';

/** A list of strings, or undefined after a finding; `what` names the items. */
function readList(
  value: unknown,
  at: KeyPlace,
  what: string,
  example: string,
): unknown[] | undefined {
  if (Array.isArray(value)) {
    if (value.length === 0)
      at.out.push(
        warning(
          fieldOf(at),
          'is empty and has no effect',
          `remove ${quote(at.written)} or ${example}`,
        ),
      );
    return value;
  }
  const fix =
    typeof value === 'string'
      ? `write a list: ${quote(at.written)}: [${quote(value)}]`
      : `write a list such as ${what === 'IP addresses' ? '["10.1.1.5/24"]' : '["10.1.1.1"]'}`;
  at.out.push(typeError(fieldOf(at), `a list of ${what}`, value, fix));
  return undefined;
}

/** The string items of `list`, each handed to `each` with its position; other
 * items get a type error. */
function stringItems(
  list: readonly unknown[],
  at: KeyPlace,
  each: (item: string, j: number) => void,
): string[] {
  const out: string[] = [];
  for (let j = 0; j < list.length; j++) {
    const item: unknown = list[j];
    if (typeof item !== 'string') {
      at.out.push(typeError(fieldOf(at, j), 'a string', item));
      continue;
    }
    out.push(item);
    each(item, j);
  }
  return out;
}

export function readIps(value: unknown, at: KeyPlace): string[] | undefined {
  const list = readList(value, at, 'IP addresses', 'list at least one address');
  if (list === undefined) return undefined;
  let seen: Set<string> | undefined;
  return stringItems(list, at, (item, j) => {
    const prefixed = item.includes('/');
    const cidr = prefixed ? parseCidr(item) : undefined;
    const addr = prefixed ? cidr?.address : parseIp(item);
    if (addr === undefined) {
      keyError(
        at,
        `${quote(item)} is not an IP address or address/prefix`,
        'write e.g. "10.1.1.5/24" or "fd00::5/64"',
        j,
      );
      return;
    }
    const problem = interfaceAddressProblem(addr, cidr?.prefix);
    if (problem !== undefined) {
      keyError(at, `${quote(item)} ${problem}`, interfaceAddressFix(addr), j);
      return;
    }
    if (list.length === 1) return;
    seen ??= new Set();
    const key = `${addr.family}:${addr.value}`;
    if (seen.has(key))
      keyError(at, `address ${quote(addr.text)} is listed twice`, 'remove the duplicate', j);
    seen.add(key);
  });
}

export function readGateways(value: unknown, at: KeyPlace): string[] | undefined {
  const list = readList(value, at, 'gateway IP addresses', 'give the gateway address');
  if (list === undefined) return undefined;
  const families = new Set<number>();
  return stringItems(list, at, (item, j) => {
    const ip = parseIp(item);
    if (ip === undefined) {
      gatewayTextError(item, at, j);
      return;
    }
    const problem = gatewayAddressProblem(ip);
    if (problem !== undefined) {
      keyError(at, `${quote(item)} ${problem}`, gatewayAddressFix(ip), j);
      return;
    }
    if (families.has(ip.family))
      keyError(
        at,
        `a second IPv${ip.family} gateway: a pod has one default route per address family (no ECMP)`,
        'keep one gateway per address family',
        j,
      );
    families.add(ip.family);
  });
}

function gatewayTextError(item: string, at: KeyPlace, j: number): void {
  const slash = item.indexOf('/');
  const bare = slash >= 0 ? item.slice(0, slash) : '';
  if (slash >= 0 && parseIp(bare) !== undefined)
    keyError(
      at,
      `${quote(item)} has a prefix length; a gateway is a single address`,
      `write ${quote(bare)}`,
      j,
    );
  else
    keyError(
      at,
      `${quote(item)} is not an IP address`,
      'write the gateway address, e.g. "10.1.1.1"',
      j,
    );
}

/** Warns about gateways outside every requested subnet of their family: they
 * cannot be reached on-link. `path` is the element's field path. */
export function checkGatewaysInSubnets(
  gateways: readonly string[],
  ips: readonly string[],
  path: string,
  out: KeyPlace['out'],
): void {
  for (let g = 0; g < gateways.length; g++) {
    const gw = parseIp(gateways[g] ?? '');
    // A gateway no router can have already has its error.
    if (gw === undefined || gatewayAddressProblem(gw) !== undefined) continue;
    let sameFamily = false;
    let inside = false;
    for (const text of ips) {
      const cidr = text.includes('/') ? parseCidr(text) : undefined;
      if (cidr === undefined || cidr.family !== gw.family) continue;
      sameFamily = true;
      if (gw.value >= cidr.network && gw.value <= cidr.broadcast) inside = true;
    }
    if (sameFamily && !inside) {
      out.push(
        warning(
          child(child(path, 'default-route'), g),
          `gateway ${quote(gw.text)} is outside every requested subnet in "ips"`,
          'check the gateway; it must be reachable on this interface',
        ),
      );
    }
  }
}
