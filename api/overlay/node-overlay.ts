// A node's NodeNetworkConfig spec: the meta-plugin CNI config (rendered by the
// caller from api/cni) and one entry per overlay the node joins, with the lease
// the operator holds for it. Entries sorted by name, so equal states render
// equal specs and the operator writes only when something changed.
import type { NodeNetworkConfigSpec, NodeOverlay } from '../resources/node-network-config.ts';
import type { EffectiveOverlayConfig } from './resolved.ts';

/** What the node holds in one overlay. */
export interface NodeLease {
  /** `10.5.34.0/24`. */
  subnet: string;
  vtepMac: string;
  publicIp: string;
}

/** One overlay as a node joins it. */
export interface JoinedOverlay {
  name: string;
  etcdPrefix: string;
  config: EffectiveOverlayConfig;
  lease: NodeLease;
}

export function nodeOverlayEntry(o: JoinedOverlay): NodeOverlay {
  const c = o.config;
  return {
    name: o.name,
    vni: c.backend.vni,
    port: c.backend.port,
    network: c.network,
    subnet: o.lease.subnet,
    ...(c.mtu === undefined ? {} : { mtu: c.mtu }),
    ipMasq: c.ipMasq,
    vtepMAC: o.lease.vtepMac,
    publicIP: o.lease.publicIp,
    etcdPrefix: o.etcdPrefix,
    directRouting: c.backend.directRouting,
  };
}

export function nodeNetworkConfigSpec(
  cniConfig: string,
  overlays: readonly JoinedOverlay[],
): NodeNetworkConfigSpec {
  const entries = overlays
    .map(nodeOverlayEntry)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { cniConfig, overlays: entries };
}

/** Whether two specs say the same (the operator skips writes of equal specs). */
export function sameNodeNetworkConfigSpec(
  a: NodeNetworkConfigSpec | undefined,
  b: NodeNetworkConfigSpec,
): boolean {
  if (a === undefined || a.cniConfig !== b.cniConfig) return false;
  const x = a.overlays ?? [];
  const y = b.overlays ?? [];
  if (x.length !== y.length) return false;
  return x.every((e, i) => sameEntry(e, y[i] as NodeOverlay));
}

const ENTRY_KEYS: readonly (keyof NodeOverlay)[] = [
  'name',
  'vni',
  'port',
  'network',
  'subnet',
  'mtu',
  'ipMasq',
  'vtepMAC',
  'publicIP',
  'etcdPrefix',
  'directRouting',
];

function sameEntry(a: NodeOverlay, b: NodeOverlay): boolean {
  // The API server fills directRouting's default (false) when it was left out.
  return ENTRY_KEYS.every((k) =>
    k === 'directRouting' ? (a[k] ?? false) === (b[k] ?? false) : a[k] === b[k],
  );
}

/** A short fingerprint of what a spec says (equal specs, as the API server returns them or as
 * rendered, give equal digests), so a cache can hold it instead of the whole spec. */
export function nodeNetworkConfigDigest(spec: NodeNetworkConfigSpec): string {
  const rows = (spec.overlays ?? [])
    .map((o) => ENTRY_KEYS.map((k) => (k === 'directRouting' ? (o[k] ?? false) : (o[k] ?? null))))
    .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0));
  const text = JSON.stringify([spec.cniConfig, rows]);
  return `${text.length.toString(36)}.${cyrb53(text).toString(36)}`;
}

/** cyrb53: a fast 53-bit string hash (public domain, by bryc). */
function cyrb53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
