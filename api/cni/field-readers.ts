// Typed readers for fields of untrusted CNI JSON. Each reader returns the value
// when it has the right type, records a finding when it does not, and returns
// undefined when the key is absent: the plugins decode with Go's encoding/json,
// which rejects a wrong type for the whole config, so a wrong type is an error.
import type { FindingOut } from '../common/finding-sink.ts';
import { child, error, warning } from '../common/findings.ts';
import { isPlainObject, readInteger, typeError } from '../common/json-value.ts';
import { MTU_MAX, MTU_MIN } from '../common/limits.ts';
import { checkInterfaceMac } from '../common/mac.ts';
import { interfaceNameProblem } from '../common/names.ts';
import { quote } from '../common/quote.ts';
import { isCanonical, parseCidr, parseIp, type Cidr, type IpAddress } from '../net/ip.ts';

export type Json = Record<string, unknown>;

/** Where a key is read from: the object, the key, and the object's field path. */
export interface KeyOf {
  o: Json;
  key: string;
  base: string;
}

type OptReader<T> = (o: Json, key: string, base: string, out: FindingOut) => T | undefined;

/** A reader of an optional key whose value must pass `is` (`expected` names the type). */
function optional<T>(is: (v: unknown) => v is T, expected: string): OptReader<T> {
  return (o, key, base, out) => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (is(v)) return v;
    out.push(typeError(child(base, key), expected, v));
    return undefined;
  };
}

export const optString = optional((v): v is string => typeof v === 'string', 'a string');
export const optBool = optional((v): v is boolean => typeof v === 'boolean', 'true or false');
export const optObject = optional(isPlainObject, 'an object');
export const optArray = optional((v): v is unknown[] => Array.isArray(v), 'a list');

/** An integer in `range`; Go rejects fractions and out-of-range values for int fields. */
export function optInt(
  at: KeyOf,
  range: readonly [min: number, max: number],
  out: FindingOut,
): number | undefined {
  const v = at.o[at.key];
  if (v === undefined) return undefined;
  return readInteger(v, child(at.base, at.key), { min: range[0], max: range[1] }, out);
}

/** `mtu`: 68–65535. 0 is what Go reads for an absent field, so the plugins take it
 * as "inherit"; accepted with a warning because it says nothing. */
export function optMtu(o: Json, base: string, out: FindingOut): number | undefined {
  const v = optInt({ o, key: 'mtu', base }, [0, MTU_MAX], out);
  if (v === undefined) return undefined;
  if (v === 0) {
    out.push(
      warning(
        child(base, 'mtu'),
        'mtu 0 means "use the default"',
        'remove "mtu" or set a value from 68 to 65535',
      ),
    );
    return undefined;
  }
  if (v < MTU_MIN) {
    out.push(
      error(child(base, 'mtu'), `must be an integer from ${MTU_MIN} to ${MTU_MAX} (got ${v})`),
    );
    return undefined;
  }
  return v;
}

/** A Linux interface name. Empty counts as absent: Go reads "" as unset. */
export function optIfName(o: Json, key: string, base: string, out: FindingOut): string | undefined {
  const v = optString(o, key, base, out);
  if (v === undefined || v === '') return undefined;
  const problem = interfaceNameProblem(v);
  if (problem !== undefined) {
    out.push(error(child(base, key), `interface name ${quote(v)} ${problem}`));
    return undefined;
  }
  return v;
}

export function checkIpText(v: unknown, path: string, out: FindingOut): IpAddress | undefined {
  if (typeof v !== 'string') {
    out.push(typeError(path, 'a string', v));
    return undefined;
  }
  const ip = parseIp(v);
  if (ip === undefined)
    out.push(
      error(
        path,
        `${quote(v)} is not an IP address`,
        'write a plain IPv4 (10.1.2.3) or IPv6 (fd00::3) address',
      ),
    );
  return ip;
}

export function optIp(o: Json, key: string, base: string, out: FindingOut): IpAddress | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  return checkIpText(v, child(base, key), out);
}

/** A network CIDR. Host bits set is an error with the canonical form as the fix:
 * host-local refuses such a subnet and the kernel refuses such a route. */
export function checkNetworkCidr(v: unknown, path: string, out: FindingOut): Cidr | undefined {
  if (typeof v !== 'string') {
    out.push(typeError(path, 'a string', v));
    return undefined;
  }
  const c = parseCidr(v);
  if (c === undefined) {
    out.push(
      error(
        path,
        `${quote(v)} is not a CIDR`,
        'write an address and a prefix length, e.g. 10.1.0.0/16',
      ),
    );
    return undefined;
  }
  if (!isCanonical(c)) {
    out.push(
      error(
        path,
        `${quote(v)} has host bits set; the network address for /${c.prefix} is ${c.canonical}`,
        `use "${c.canonical}"`,
      ),
    );
    return undefined;
  }
  return c;
}

export function optNetworkCidr(
  o: Json,
  key: string,
  base: string,
  out: FindingOut,
): Cidr | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  return checkNetworkCidr(v, child(base, key), out);
}

/** A MAC an interface may carry: unicast, not all zeros (the rule in api/common/mac.ts). */
export function optUnicastMac(
  o: Json,
  key: string,
  base: string,
  out: FindingOut,
): string | undefined {
  const v = optString(o, key, base, out);
  if (v === undefined || v === '') return undefined;
  return checkInterfaceMac(v, child(base, key), out);
}

export function familyName(family: 4 | 6): string {
  return family === 4 ? 'IPv4' : 'IPv6';
}

/** Why a plugin `type` cannot name a binary, or undefined. The runtime joins it to
 * each CNI bin dir, so a path in it would run a binary from elsewhere
 * (CVE-2021-20206, fixed in libcni 0.8.1 the same way). */
export function pluginTypeProblem(t: string): string | undefined {
  if (t.length === 0) return 'must not be empty';
  if (t === '.' || t === '..') return 'must not be "." or ".."';
  if (/[/\\]/.test(t)) return 'must be a plain binary name, without "/" or "\\"';
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/u.test(t))
    return 'must not contain whitespace or control characters';
  return undefined;
}
