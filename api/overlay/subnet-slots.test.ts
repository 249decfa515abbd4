import { describe, expect, it } from 'vitest';
import { parseCidr } from '../net/ip.ts';
import { slotOfSubnet, slotsCovered, subnetOfSlot, subnetsOverlap } from './subnet-slots.ts';
import { planSubnets } from './subnets.ts';
import type { SubnetPlan } from './subnets.ts';
import { subnetKeyName } from './flannel-lease.ts';

function plan(network: string, subnetLen?: number): SubnetPlan {
  const fields = { network: 'n', subnetLen: 'l', subnetMin: 'a', subnetMax: 'b' };
  const cidr = parseCidr(network);
  if (cidr === undefined) throw new Error(network);
  const r = planSubnets(
    { network: cidr, ...(subnetLen === undefined ? {} : { subnetLen }) },
    fields,
  );
  if (r.plan === undefined) throw new Error(JSON.stringify(r.findings));
  return r.plan;
}

describe('subnet slots', () => {
  it('numbers the leasable subnets from SubnetMin (flannel never leases the first)', () => {
    const p = plan('10.5.0.0/16');
    expect(p.capacity).toBe(255);
    expect(subnetKeyName(subnetOfSlot(p, 0))).toBe('10.5.1.0-24');
    expect(subnetKeyName(subnetOfSlot(p, 254))).toBe('10.5.255.0-24');
    expect(() => subnetOfSlot(p, 255)).toThrow(RangeError);
    for (const s of [0, 17, 254]) expect(slotOfSubnet(p, subnetOfSlot(p, s))).toBe(s);
  });

  it('refuses subnets that are not leasable slots', () => {
    const p = plan('10.5.0.0/16');
    const at = (c: string): { ip: bigint; prefixLen: number } => {
      const x = parseCidr(c);
      if (x === undefined) throw new Error(c);
      return { ip: x.network, prefixLen: x.prefix };
    };
    expect(slotOfSubnet(p, at('10.5.0.0/24'))).toBeUndefined(); // before SubnetMin
    expect(slotOfSubnet(p, at('10.5.3.0/25'))).toBeUndefined(); // another length
    expect(slotOfSubnet(p, at('10.6.3.0/24'))).toBeUndefined(); // outside
    expect(slotOfSubnet(p, { ip: at('10.5.3.0/24').ip + 1n, prefixLen: 24 })).toBeUndefined();
  });

  it('finds the slots a foreign subnet of another length covers', () => {
    const p = plan('10.5.0.0/16');
    expect(slotsCovered(p, { ip: parseCidr('10.5.4.0/22')!.network, prefixLen: 22 })).toEqual({
      first: 3,
      last: 6,
    });
    expect(slotsCovered(p, { ip: parseCidr('10.5.7.128/25')!.network, prefixLen: 25 })).toEqual({
      first: 6,
      last: 6,
    });
    expect(
      slotsCovered(p, { ip: parseCidr('10.5.0.0/24')!.network, prefixLen: 24 }),
    ).toBeUndefined();
    expect(slotsCovered(p, { ip: parseCidr('10.0.0.0/8')!.network, prefixLen: 8 })).toEqual({
      first: 0,
      last: 254,
    });
    expect(subnetsOverlap({ ip: 0n, prefixLen: 24 }, { ip: 255n, prefixLen: 32 })).toBe(true);
    expect(subnetsOverlap({ ip: 0n, prefixLen: 24 }, { ip: 256n, prefixLen: 32 })).toBe(false);
  });
});
