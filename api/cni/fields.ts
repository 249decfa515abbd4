// Typed readers for fields of untrusted CNI JSON. Each reader returns the value
// when it has the right type, records a finding when it does not, and returns
// undefined when the key is absent: the plugins decode with Go's encoding/json,
// which rejects a wrong type for the whole config, so a wrong type is an error.
import { child, describeType, error, isPlainObject, warning, type Finding } from '../findings.ts';
import { interfaceNameProblem } from '../names.ts';
import {
  isCanonical,
  isMulticastMac,
  isZeroMac,
  parseCidr,
  parseIp,
  parseMac,
  type Cidr,
  type IpAddress,
} from '../net/ip.ts';

export type Json = Record<string, unknown>;

/** Suggests the fix for a value that has the right content in the wrong JSON type. */
function typeFix(expected: string, v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (expected === 'boolean' && (v === 'true' || v === 'false')) return `write ${v} without quotes`;
  if (expected === 'integer' && /^-?[0-9]+$/.test(v)) return `write ${v} without quotes`;
  return undefined;
}

export function typeError(path: string, expected: string, v: unknown): Finding {
  return error(
    path,
    `must be ${expected === 'integer' || expected === 'array' || expected === 'object' ? 'an' : 'a'} ${expected} (found ${describeType(v)})`,
    typeFix(expected, v),
  );
}

export function optString(o: Json, key: string, base: string, out: Finding[]): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') {
    out.push(typeError(child(base, key), 'string', v));
    return undefined;
  }
  return v;
}

export function optBool(o: Json, key: string, base: string, out: Finding[]): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') {
    out.push(typeError(child(base, key), 'boolean', v));
    return undefined;
  }
  return v;
}

export function optObject(o: Json, key: string, base: string, out: Finding[]): Json | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!isPlainObject(v)) {
    out.push(typeError(child(base, key), 'object', v));
    return undefined;
  }
  return v;
}

export function optArray(
  o: Json,
  key: string,
  base: string,
  out: Finding[],
): unknown[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    out.push(typeError(child(base, key), 'array', v));
    return undefined;
  }
  return v;
}

/** An integer in [min, max]; Go rejects fractions and out-of-range values for int fields. */
export function optInt(
  o: Json,
  key: string,
  base: string,
  out: Finding[],
  min: number,
  max: number,
): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const path = child(base, key);
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    out.push(
      typeof v === 'number'
        ? error(path, `must be a whole number (found ${v})`)
        : typeError(path, 'integer', v),
    );
    return undefined;
  }
  if (v < min || v > max) {
    out.push(error(path, `must be between ${min} and ${max} (found ${v})`));
    return undefined;
  }
  return v;
}

export const MTU_MIN = 68; // the IPv4 minimum (RFC 791); the kernel refuses less
export const MTU_MAX = 65535;

/** `mtu`: 68–65535. 0 is what Go reads for an absent field, so the plugins take it
 * as "inherit"; accepted with a warning because it says nothing. */
export function optMtu(o: Json, base: string, out: Finding[]): number | undefined {
  const v = optInt(o, 'mtu', base, out, 0, MTU_MAX);
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
    out.push(error(child(base, 'mtu'), `must be between ${MTU_MIN} and ${MTU_MAX} (found ${v})`));
    return undefined;
  }
  return v;
}

/** A Linux interface name. Empty counts as absent: Go reads "" as unset. */
export function optIfName(o: Json, key: string, base: string, out: Finding[]): string | undefined {
  const v = optString(o, key, base, out);
  if (v === undefined || v === '') return undefined;
  const problem = interfaceNameProblem(v);
  if (problem !== undefined) {
    out.push(error(child(base, key), `interface name "${v}" ${problem}`));
    return undefined;
  }
  return v;
}

export function checkIpText(v: unknown, path: string, out: Finding[]): IpAddress | undefined {
  if (typeof v !== 'string') {
    out.push(typeError(path, 'string', v));
    return undefined;
  }
  const ip = parseIp(v);
  if (ip === undefined)
    out.push(
      error(
        path,
        `"${v}" is not an IP address`,
        'write a plain IPv4 (10.1.2.3) or IPv6 (fd00::3) address',
      ),
    );
  return ip;
}

export function optIp(o: Json, key: string, base: string, out: Finding[]): IpAddress | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  return checkIpText(v, child(base, key), out);
}

/** A network CIDR. Host bits set is an error with the canonical form as the fix:
 * host-local refuses such a subnet and the kernel refuses such a route. */
export function checkNetworkCidr(v: unknown, path: string, out: Finding[]): Cidr | undefined {
  if (typeof v !== 'string') {
    out.push(typeError(path, 'string', v));
    return undefined;
  }
  const c = parseCidr(v);
  if (c === undefined) {
    out.push(
      error(path, `"${v}" is not a CIDR`, 'write an address and a prefix length, e.g. 10.1.0.0/16'),
    );
    return undefined;
  }
  if (!isCanonical(c)) {
    out.push(
      error(
        path,
        `"${v}" has host bits set; the network address for /${c.prefix} is ${c.canonical}`,
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
  out: Finding[],
): Cidr | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  return checkNetworkCidr(v, child(base, key), out);
}

/** A MAC an interface may carry: unicast, not all zeros. */
export function optUnicastMac(
  o: Json,
  key: string,
  base: string,
  out: Finding[],
): string | undefined {
  const v = optString(o, key, base, out);
  if (v === undefined || v === '') return undefined;
  const path = child(base, key);
  const mac = parseMac(v);
  if (mac === undefined) {
    out.push(
      error(path, `"${v}" is not a MAC address`, 'write six hex pairs, e.g. 02:00:00:00:00:01'),
    );
    return undefined;
  }
  if (isMulticastMac(mac) || isZeroMac(mac)) {
    const zero = isZeroMac(mac);
    out.push(
      error(
        path,
        `"${v}" is a ${zero ? 'zero' : 'multicast'} MAC; an interface needs a unicast one`,
        zero
          ? 'pick a locally administered address such as 02:00:00:00:00:01'
          : 'clear the lowest bit of the first byte (e.g. 02:… instead of 03:…)',
      ),
    );
    return undefined;
  }
  return mac.text;
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
