// A network's leasable subnets numbered 0 … capacity-1, from SubnetMin to
// SubnetMax: the allocation index works on these numbers, etcd on the subnets.
import type { LeaseSubnet } from './flannel-lease.ts';
import type { SubnetPlan } from './subnets.ts';

/** Addresses per subnet. */
function subnetSize(plan: SubnetPlan): bigint {
  return 1n << BigInt(32 - plan.subnetLen);
}

/** The subnet numbered `slot` (0 ≤ slot < capacity). */
export function subnetOfSlot(plan: SubnetPlan, slot: number): LeaseSubnet {
  if (!Number.isInteger(slot) || slot < 0 || slot >= plan.capacity)
    throw new RangeError(`slot ${slot} is outside 0..${plan.capacity - 1}`);
  return { ip: plan.subnetMin + BigInt(slot) * subnetSize(plan), prefixLen: plan.subnetLen };
}

/** The number of `subnet` in the plan, or undefined when it is not one of its
 * leasable subnets (another length, not on a boundary, outside SubnetMin…SubnetMax). */
export function slotOfSubnet(plan: SubnetPlan, subnet: LeaseSubnet): number | undefined {
  if (subnet.prefixLen !== plan.subnetLen) return undefined;
  if (subnet.ip < plan.subnetMin || subnet.ip > plan.subnetMax) return undefined;
  const offset = subnet.ip - plan.subnetMin;
  const size = subnetSize(plan);
  if (offset % size !== 0n) return undefined;
  return Number(offset / size);
}

/** Whether two subnets share any address (a foreign lease of another length can
 * cover several of ours, or sit inside one). */
export function subnetsOverlap(a: LeaseSubnet, b: LeaseSubnet): boolean {
  const end = (s: LeaseSubnet): bigint => s.ip + (1n << BigInt(32 - s.prefixLen)) - 1n;
  return a.ip <= end(b) && b.ip <= end(a);
}

/** The slots a subnet of any length covers (empty when it lies outside the plan). */
export function slotsCovered(
  plan: SubnetPlan,
  subnet: LeaseSubnet,
): { first: number; last: number } | undefined {
  const size = subnetSize(plan);
  const start = subnet.ip;
  const end = subnet.ip + (1n << BigInt(32 - subnet.prefixLen)) - 1n;
  const lastStart = plan.subnetMin + BigInt(plan.capacity - 1) * size;
  if (end < plan.subnetMin || start > lastStart + size - 1n) return undefined;
  const lo = start <= plan.subnetMin ? 0n : (start - plan.subnetMin) / size;
  const hi = end >= lastStart ? BigInt(plan.capacity - 1) : (end - plan.subnetMin) / size;
  return { first: Number(lo), last: Number(hi) };
}
