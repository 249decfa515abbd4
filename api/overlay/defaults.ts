// The effective settings of an OverlayNetwork: the spec with every default
// filled in (flannel's subnet defaults, the schema's defaults, the etcd
// prefix derived from the name). The operator writes these to etcd and into
// NodeNetworkConfigs, so every reader agrees on one value.
import { hasErrors } from '../findings.ts';
import { formatIp, parseCidr, parseIp } from '../net/ip.ts';
import { DEFAULT_ETCD_PREFIX_ROOT, DEFAULT_VXLAN_PORT } from '../resources/overlay-network.ts';
import { planSubnets, type SubnetPlan } from './subnets.ts';
import { checkOverlayNetworkSpec } from './validate.ts';

/** VXLAN over IPv4 adds 50 bytes (outer Ethernet 14 + IP 20 + UDP 8 + VXLAN 8);
 * the node agent uses uplink MTU minus this when spec.mtu is omitted. */
export const VXLAN_OVERHEAD = 50;
export const DEFAULT_IP_MASQ = true;

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

export interface ResolvedOverlay {
  config: EffectiveOverlayConfig;
  plan: SubnetPlan;
}

/** The spec with defaults applied, and the subnet plan as numbers; undefined
 * when checkOverlayNetworkSpec finds an error (ask it for the reasons). */
export function resolveOverlay(spec: unknown): ResolvedOverlay | undefined {
  if (hasErrors(checkOverlayNetworkSpec(spec))) return undefined;
  // After a clean check every field below has the type the schema says.
  const s = spec as Record<string, unknown>;
  const backend = s.backend as Record<string, unknown>;
  const network = parseCidr(s.network as string);
  const min = typeof s.subnetMin === 'string' ? parseIp(s.subnetMin) : undefined;
  const max = typeof s.subnetMax === 'string' ? parseIp(s.subnetMax) : undefined;
  if (network === undefined) return undefined;
  const { plan } = planSubnets(
    {
      network,
      ...(typeof s.subnetLen === 'number' ? { subnetLen: s.subnetLen } : {}),
      ...(min ? { subnetMin: min } : {}),
      ...(max ? { subnetMax: max } : {}),
    },
    {
      network: 'spec.network',
      subnetLen: 'spec.subnetLen',
      subnetMin: 'spec.subnetMin',
      subnetMax: 'spec.subnetMax',
    },
  );
  if (plan === undefined) return undefined;
  const config: EffectiveOverlayConfig = {
    network: network.canonical,
    subnetLen: plan.subnetLen,
    subnetMin: formatIp(plan.subnetMin, 4),
    subnetMax: formatIp(plan.subnetMax, 4),
    capacity: plan.capacity,
    backend: {
      type: 'vxlan',
      vni: backend.vni as number,
      port: typeof backend.port === 'number' ? backend.port : DEFAULT_VXLAN_PORT,
      directRouting: backend.directRouting === true,
    },
    ...(typeof s.mtu === 'number' ? { mtu: s.mtu } : {}),
    ipMasq: typeof s.ipMasq === 'boolean' ? s.ipMasq : DEFAULT_IP_MASQ,
  };
  return { config, plan };
}

/** The spec with every default applied; undefined when the spec has errors. */
export function effectiveOverlayConfig(spec: unknown): EffectiveOverlayConfig | undefined {
  return resolveOverlay(spec)?.config;
}

/** The etcd prefix an OverlayNetwork uses: spec.etcdPrefix, or
 * `/plexus.dev/networks/<name>` (a schema default cannot read the name). */
export function etcdPrefixOf(on: {
  metadata: { name: string };
  spec: { etcdPrefix?: string };
}): string {
  const explicit: unknown = on.spec?.etcdPrefix;
  return typeof explicit === 'string'
    ? explicit
    : `${DEFAULT_ETCD_PREFIX_ROOT}/${on.metadata?.name ?? ''}`;
}
