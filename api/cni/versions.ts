// CNI spec versions Plexus reads and writes. Results from before 0.3.0 have
// a different shape (no interfaces list) and are not supported.
//
// Plugins compare `cniVersion` against their supported list by exact string
// (libcni's skel does), so "1.0" is not "1.0.0": support is exact membership,
// while ordering parses the numbers.

export const SUPPORTED_CNI_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;
export type CniVersion = (typeof SUPPORTED_CNI_VERSIONS)[number];

/** The newest spec version; libcni ignores `cniVersions` entries above it. */
export const LATEST_CNI_VERSION: CniVersion = '1.1.0';

/** The version Plexus runs a network whose config names none (libcni would read
 * 0.1.0, whose results Plexus does not read): the newest every reference plugin
 * here supports. */
export const DEFAULT_CNI_VERSION: CniVersion = '1.0.0';

export function isSupportedCniVersion(v: unknown): v is CniVersion {
  return typeof v === 'string' && (SUPPORTED_CNI_VERSIONS as readonly string[]).includes(v);
}

/** `major.minor.patch` as numbers; libcni's form (no pre-release or build parts). */
export function parseCniVersion(v: string): [number, number, number] | undefined {
  const m = /^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$/.exec(v);
  if (m === null) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Orders versions numerically: negative when a < b, 0 when equal, positive when a > b.
 * Text that is not `x.y.z` sorts below every valid version (and by plain string
 * order among itself), so sorting mixed input never throws. */
export function compareCniVersions(a: string, b: string): number {
  const pa = parseCniVersion(a);
  const pb = parseCniVersion(b);
  if (pa === undefined || pb === undefined) {
    if (pa !== undefined) return 1;
    if (pb !== undefined) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** The version to send a plugin: the highest version that is at most `requested`,
 * that the plugin reports in VERSION, and that Plexus itself supports. The
 * reference plugins here (v1.1.1) stop at 1.0.0, so a 1.1.0 network config is
 * sent to them as 1.0.0. Undefined when there is no common version. */
export function negotiateCniVersion(
  requested: string,
  pluginSupports: readonly string[],
): string | undefined {
  if (parseCniVersion(requested) === undefined) return undefined;
  let best: string | undefined;
  for (const v of pluginSupports) {
    if (!isSupportedCniVersion(v) || compareCniVersions(v, requested) > 0) continue;
    if (best === undefined || compareCniVersions(v, best) > 0) best = v;
  }
  return best;
}
