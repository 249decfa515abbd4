// The typed OverlayNetwork every rule after the first check works on: the spec
// as written, every default filled in (flannel's subnet defaults, the schema's
// defaults, the etcd prefix derived from the name), the attachment scope and
// the node selector. checkOverlayNetwork builds it once; the set check, the
// update rules, the flannel config and the operator only read it.
import type { LabelSelector } from '../resources/common.ts';
import { DEFAULT_ETCD_PREFIX_ROOT } from '../resources/overlay-network-names.ts';
import type { OverlayNetworkSpec } from '../resources/overlay-network.ts';
import { cleanKeyPath } from './etcd-prefix.ts';
import type { SubnetPlan } from './subnets.ts';

/** VXLAN over IPv4 adds 50 bytes (outer Ethernet 14 + IP 20 + UDP 8 + VXLAN 8);
 * the node agent uses uplink MTU minus this when spec.mtu is omitted. */
export const VXLAN_OVERHEAD = 50;
export const DEFAULT_IP_MASQ = true;

/** The settings with defaults applied, as the operator writes them to etcd,
 * NodeNetworkConfigs and status. */
export interface EffectiveOverlayConfig {
  /** Canonical CIDR. */
  network: string;
  subnetLen: number;
  subnetMin: string;
  subnetMax: string;
  /** Number of subnets that can be leased. */
  capacity: number;
  backend: { type: 'vxlan'; vni: number; port: number; directRouting: boolean };
  /** Absent: the node agent uses its uplink MTU minus VXLAN_OVERHEAD. */
  mtu?: number;
  ipMasq: boolean;
}

/** Which namespaces get the NAD the operator generates for the network. The
 * operator resolves a selector against live Namespaces; offline (plexus
 * validate) a selector means "some namespaces we cannot list". */
export interface AttachmentScope {
  /** Namespaces named explicitly in spec.attachment.namespaces. */
  namespaces: string[];
  /** spec.attachment.namespaceSelector, when set. */
  selector?: LabelSelector;
}

/** What one spec resolves to, before the object's name is known. */
export interface ResolvedOverlaySpec {
  /** The spec as written, typed. */
  spec: OverlayNetworkSpec;
  config: EffectiveOverlayConfig;
  /** The subnet plan as numbers. */
  plan: SubnetPlan;
  attachment: AttachmentScope;
  /** Which nodes join; undefined means all. */
  nodeSelector?: LabelSelector;
}

export interface ResolvedOverlay extends ResolvedOverlaySpec {
  /** metadata.name; undefined for an object that has only generateName. */
  name?: string;
  /** How messages about other objects name this one. */
  label: string;
  /** spec.etcdPrefix, or the default for the name, as the key path flannel uses
   * (effectiveEtcdPrefix); undefined while the name is unknown. */
  etcdPrefix?: string;
}

/** The etcd prefix of a network: spec.etcdPrefix, or `/plexus.dev/networks/<name>`
 * (a schema default cannot read the name). The one place this default is computed.
 * The result is the key path flannel uses (path.Clean of it, as path.Join makes
 * it), so the checks between networks compare what flannel would touch; a
 * prefix that passes the spec rule is already clean. */
export function effectiveEtcdPrefix(
  name: string | undefined,
  explicit: string | undefined,
): string | undefined {
  if (explicit !== undefined) return cleanKeyPath(explicit);
  return name === undefined ? undefined : `${DEFAULT_ETCD_PREFIX_ROOT}/${name}`;
}

/** Whether the OverlayNetwork may generate its NAD in `namespace`. */
export function mayAttachIn(scope: AttachmentScope, namespace: string): boolean {
  return scope.selector !== undefined || scope.namespaces.includes(namespace);
}
