// Checks of the CNI `routes` and `dns` objects, as the reference plugins and
// IPAMs read them (cni's types.Route and types.DNS).
import type { FindingOut } from '../common/finding-sink.ts';
import { child, error } from '../common/findings.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import {
  checkIpText,
  checkNetworkCidr,
  familyName,
  optArray,
  optIp,
  optString,
} from './field-readers.ts';
import { checkMisspeltKeys, KNOWN_KEYS } from './known-keys.ts';

/** `routes`: [{dst: CIDR, gw?: IP}]; the kernel refuses a destination with host bits. */
export function checkRoutes(v: unknown, path: string, out: FindingOut): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) {
    out.push(typeError(path, 'a list', v));
    return;
  }
  v.forEach((r, i) => {
    const rPath = child(path, i);
    if (!isPlainObject(r)) {
      out.push(typeError(rPath, 'an object', r));
      return;
    }
    checkMisspeltKeys({ obj: r, path: rPath, owner: 'a route' }, KNOWN_KEYS.route, out);
    if (r.dst === undefined) {
      out.push(
        error(
          child(rPath, 'dst'),
          'is required for every route',
          'add "dst", e.g. "0.0.0.0/0" for a default route',
        ),
      );
      return;
    }
    const dst = checkNetworkCidr(r.dst, child(rPath, 'dst'), out);
    const gw = optIp(r, 'gw', rPath, out);
    if (dst !== undefined && gw !== undefined && dst.family !== gw.family) {
      out.push(
        error(
          child(rPath, 'gw'),
          `${gw.text} is ${familyName(gw.family)} but dst ${dst.canonical} is ${familyName(dst.family)}`,
        ),
      );
    }
  });
}

/** The CNI `dns` object: nameservers (IPs), domain, search, options. */
export function checkDns(v: unknown, path: string, out: FindingOut): void {
  if (!isPlainObject(v)) {
    out.push(typeError(path, 'an object', v));
    return;
  }
  checkMisspeltKeys({ obj: v, path, owner: 'dns' }, KNOWN_KEYS.dns, out);
  optString(v, 'domain', path, out);
  for (const key of ['nameservers', 'search', 'options']) {
    const list = optArray(v, key, path, out);
    list?.forEach((item, i) => {
      const p = child(child(path, key), i);
      if (key === 'nameservers') checkIpText(item, p, out);
      else if (typeof item !== 'string') out.push(typeError(p, 'a string', item));
    });
  }
}
