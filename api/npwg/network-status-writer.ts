// Writes the network-status annotation: a JSON list with the keys in the
// order Multus writes them.
import {
  MEMIF_KEYS,
  PCI_KEYS,
  VDPA_KEYS,
  VHOST_KEYS,
  type DeviceInfo,
  type NetworkStatus,
  type NetworkStatusDns,
} from './network-status-types.ts';

/** Serialises entries as the annotation value: a JSON list, keys in the
 * order Multus writes them, empty fields left out (`default` always written,
 * since the spec makes it a required key). */
export function buildNetworkStatus(entries: readonly NetworkStatus[]): string {
  const out: Record<string, unknown>[] = [];
  for (const e of entries) out.push(orderedStatus(e));
  return JSON.stringify(out);
}

function orderedStatus(e: NetworkStatus): Record<string, unknown> {
  const o: Record<string, unknown> = { name: e.name };
  if (nonEmpty(e.interface)) o.interface = e.interface;
  if (e.ips !== undefined && e.ips.length > 0) o.ips = [...e.ips];
  if (nonEmpty(e.mac)) o.mac = e.mac;
  if (e.mtu !== undefined && e.mtu > 0) o.mtu = e.mtu;
  o.default = e.default === true;
  const dns = e.dns === undefined ? undefined : orderedDns(e.dns);
  if (dns !== undefined) o.dns = dns;
  if (e['device-info'] !== undefined) o['device-info'] = orderedDevice(e['device-info']);
  if (e.gateway !== undefined && e.gateway.length > 0) o.gateway = [...e.gateway];
  return o;
}

function orderedDns(d: NetworkStatusDns): Record<string, unknown> | undefined {
  const o: Record<string, unknown> = {};
  if (d.nameservers !== undefined && d.nameservers.length > 0) o.nameservers = [...d.nameservers];
  if (nonEmpty(d.domain)) o.domain = d.domain;
  if (d.search !== undefined && d.search.length > 0) o.search = [...d.search];
  if (d.options !== undefined && d.options.length > 0) o.options = [...d.options];
  return Object.keys(o).length > 0 ? o : undefined;
}

function orderedDevice(d: DeviceInfo): Record<string, unknown> {
  const o: Record<string, unknown> = { type: d.type, version: d.version };
  const pci = d.pci === undefined ? undefined : orderedStrings(d.pci, PCI_KEYS);
  if (pci !== undefined) o.pci = pci;
  const vdpa = d.vdpa === undefined ? undefined : orderedStrings(d.vdpa, VDPA_KEYS);
  if (vdpa !== undefined) o.vdpa = vdpa;
  const vhost =
    d['vhost-user'] === undefined ? undefined : orderedStrings(d['vhost-user'], VHOST_KEYS);
  if (vhost !== undefined) o['vhost-user'] = vhost;
  const memif = d.memif === undefined ? undefined : orderedStrings(d.memif, MEMIF_KEYS);
  if (memif !== undefined) o.memif = memif;
  return o;
}

function orderedStrings(src: object, keys: readonly string[]): Record<string, string> | undefined {
  const o: Record<string, string> = {};
  let any = false;
  for (const k of keys) {
    const v: unknown = (src as Record<string, unknown>)[k];
    if (typeof v === 'string' && v !== '') {
      o[k] = v;
      any = true;
    }
  }
  return any ? o : undefined;
}

function nonEmpty(s: string | undefined): s is string {
  return s !== undefined && s !== '';
}
