// CNI results across spec versions: a plugin answers in the version it was sent, and the next
// plugin of a chain (or the runtime) may speak another. From 0.3.0 to 1.1.0 the shape is the
// same but for `ips[].version` (0.3.x/0.4.0 only); fields a version does not know are kept, as
// every plugin ignores unknown keys.
import { isPlainObject } from '../../api/common/index.ts';
import { compareCniVersions } from '../../api/cni/index.ts';

export type CniResult = Record<string, unknown>;

function before1(version: string): boolean {
  return compareCniVersions(version, '1.0.0') < 0;
}

/** `result` as a result of `toVersion` (a copy; the input is not changed). */
export function convertResult(result: unknown, toVersion: string): CniResult {
  const r: CniResult = isPlainObject(result) ? { ...result } : {};
  r.cniVersion = toVersion;
  if (!Array.isArray(r.ips)) return r;
  const legacy = before1(toVersion);
  r.ips = (r.ips as unknown[]).map((ip) => {
    if (!isPlainObject(ip)) return ip;
    const rest: Record<string, unknown> = { ...ip };
    delete rest.version;
    if (!legacy) return rest;
    const address = typeof ip.address === 'string' ? ip.address : '';
    return { version: address.includes(':') ? '6' : '4', ...rest };
  });
  return r;
}

/** A minimal result for a plugin that returned none (allowed by the spec for some chains). */
export function emptyResult(cniVersion: string): CniResult {
  return { cniVersion, interfaces: [], ips: [], routes: [], dns: {} };
}
