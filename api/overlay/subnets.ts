// flannel's subnet rules, ported line by line from flannel's
// CheckNetworkConfig (pkg/subnet/config.go, IPv4 part), so a network config
// Plexus writes or reads means exactly what it means to an upstream flanneld.
// Plexus adds two things flannel does not check: /0 and SubnetMin > SubnetMax
// (flannel would accept both and then lease nothing sensible).
import { error, warning, type Finding } from '../common/findings.ts';
import { formatIp, type Cidr, type IpAddress } from '../net/ip.ts';
// flannel: "SubnetLen must be less than /31" (room for a tunnel and a bridge address).
import { MAX_SUBNET_LEN } from '../resources/overlay-network-names.ts';

/** flannel: "Minimum useful network prefix is /28" (four /30 subnets, the first unused). */
const MAX_NETWORK_PREFIX = 28;

/** flannel's default SubnetLen: a /24 per node when the network is /22 or
 * larger, otherwise a quarter of the network. */
export function defaultSubnetLen(networkPrefix: number): number {
  return networkPrefix <= 22 ? 24 : networkPrefix + 2;
}

/** The subnets a network hands out, with every default applied. */
export interface SubnetPlan {
  network: Cidr;
  subnetLen: number;
  /** Network address of the first leasable subnet. */
  subnetMin: bigint;
  /** Network address of the last leasable subnet. */
  subnetMax: bigint;
  /** Number of leasable subnets, SubnetMin to SubnetMax inclusive. */
  capacity: number;
}

export interface SubnetInput {
  network: Cidr;
  /** Absent (or 0 in a flannel config) means flannel's default. */
  subnetLen?: number;
  subnetMin?: IpAddress;
  subnetMax?: IpAddress;
}

/** Field paths to report against, e.g. `spec.subnetLen` or `config.SubnetLen`. */
interface SubnetFields {
  network: string;
  subnetLen: string;
  subnetMin: string;
  subnetMax: string;
}

const ip4 = (v: bigint): string => formatIp(v, 4);

/** Applies flannel's defaults and limits. `plan` is set only when there is no error. */
export function planSubnets(
  input: SubnetInput,
  fields: SubnetFields,
): { plan?: SubnetPlan; findings: Finding[] } {
  const { network } = input;
  const networkProblem = networkFinding(network, fields.network);
  if (networkProblem !== undefined) return { findings: [networkProblem] };
  const len = subnetLenOf(input, fields.subnetLen);
  if (typeof len !== 'number') return { findings: [len] };
  const findings: Finding[] = [];
  const grid: Grid = { network, subnetLen: len, size: 1n << BigInt(32 - len) };
  const firstDefault = network.network + grid.size;
  const lastDefault = network.broadcast + 1n - grid.size;
  const subnetMin = bound(
    grid,
    input.subnetMin,
    { fallback: firstDefault, field: fields.subnetMin, roundUp: true },
    findings,
  );
  const subnetMax = bound(
    grid,
    input.subnetMax,
    { fallback: lastDefault, field: fields.subnetMax, roundUp: false },
    findings,
  );
  if (subnetMin === undefined || subnetMax === undefined) return { findings };
  if (subnetMin > subnetMax) {
    findings.push(
      error(
        fields.subnetMin,
        `${ip4(subnetMin)} is above the last subnet ${ip4(subnetMax)}: no subnet could be leased`,
        `use an address at most ${ip4(subnetMax)}`,
      ),
    );
    return { findings };
  }
  if (subnetMin === network.network) {
    findings.push(
      warning(
        fields.subnetMin,
        `${ip4(subnetMin)} makes the network's first subnet leasable: that node's VXLAN device gets the network address`,
        `use ${ip4(firstDefault)} (flannel's default) unless an upstream flanneld already leased it`,
      ),
    );
  }
  const capacity = Number((subnetMax - subnetMin) / grid.size) + 1;
  return { plan: { network, subnetLen: len, subnetMin, subnetMax, capacity }, findings };
}

/** Why `network` cannot be a flannel network, or undefined. */
function networkFinding(network: Cidr, field: string): Finding | undefined {
  if (network.family !== 4)
    return error(
      field,
      `${network.address.text}/${network.prefix} is not IPv4; flannel networks are IPv4`,
      'use an IPv4 CIDR such as 10.5.0.0/16',
    );
  if (network.prefix === 0)
    // flannel reads 0.0.0.0/0 as "no Network" (IP4Net.Empty).
    return error(
      field,
      '0.0.0.0/0 is not a usable network (it would overlap every address)',
      'use a private range such as 10.5.0.0/16',
    );
  if (network.prefix > MAX_NETWORK_PREFIX)
    return error(
      field,
      `/${network.prefix} is too small: flannel needs at least a /${MAX_NETWORK_PREFIX} (four subnets of four addresses, the first never leased)`,
      `use a /${MAX_NETWORK_PREFIX} or larger network`,
    );
  return undefined;
}

/** The subnet length: as given (absent or 0 means flannel's default), or why it cannot be. */
function subnetLenOf(input: SubnetInput, field: string): number | Finding {
  const { network } = input;
  if (input.subnetLen === undefined || input.subnetLen <= 0)
    return defaultSubnetLen(network.prefix);
  const subnetLen = input.subnetLen;
  if (subnetLen > MAX_SUBNET_LEN)
    return error(
      field,
      `${subnetLen} is too long: each node's subnet needs at least four addresses`,
      `use ${MAX_SUBNET_LEN} or less`,
    );
  const least = network.prefix + 2;
  if (subnetLen < least)
    return error(
      field,
      `${subnetLen} leaves room for fewer than four subnets in a /${network.prefix} (flannel never leases the first)`,
      `use ${least} or more, or a larger network`,
    );
  return subnetLen;
}

/** The network cut into subnets of one length. */
interface Grid {
  network: Cidr;
  subnetLen: number;
  /** Addresses per subnet. */
  size: bigint;
}

interface Bound {
  fallback: bigint;
  field: string;
  /** Which way the suggested fix rounds a misaligned address. */
  roundUp: boolean;
}

/** SubnetMin or SubnetMax: the default when absent; inside the network and on a subnet boundary. */
function bound(
  grid: Grid,
  given: IpAddress | undefined,
  b: Bound,
  findings: Finding[],
): bigint | undefined {
  const { network, size } = grid;
  if (given === undefined) return b.fallback;
  if (given.family !== 4 || given.value < network.network || given.value > network.broadcast) {
    findings.push(
      error(
        b.field,
        `${given.text} is not inside the network ${network.canonical}`,
        `use an address inside ${network.canonical}, e.g. ${ip4(b.fallback)}, or omit it`,
      ),
    );
    return undefined;
  }
  const down = given.value & (0xffffffffn ^ (size - 1n));
  if (down === given.value) return given.value;
  // Round towards the inside of the range so the fix never leaves the network.
  const near = b.roundUp && down + size <= network.broadcast ? down + size : down;
  findings.push(
    error(b.field, `${given.text} is not on a /${grid.subnetLen} boundary`, `use ${ip4(near)}`),
  );
  return undefined;
}
