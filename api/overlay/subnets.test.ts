import { describe, expect, it } from 'vitest';
import { formatIp, parseCidr, parseIp, type Cidr, type IpAddress } from '../net/ip.ts';
import { defaultSubnetLen, planSubnets, type SubnetInput } from './subnets.ts';

const FIELDS = {
  network: 'Network',
  subnetLen: 'SubnetLen',
  subnetMin: 'SubnetMin',
  subnetMax: 'SubnetMax',
};
const net = (s: string): Cidr => parseCidr(s) as Cidr;
const ip = (s: string): IpAddress => parseIp(s) as IpAddress;
const plan = (input: SubnetInput) => planSubnets(input, FIELDS);
const fmt = (r: ReturnType<typeof plan>) =>
  r.plan && {
    len: r.plan.subnetLen,
    min: formatIp(r.plan.subnetMin, 4),
    max: formatIp(r.plan.subnetMax, 4),
    capacity: r.plan.capacity,
  };

describe('defaultSubnetLen (flannel)', () => {
  it('gives /24 up to a /22 network, else prefix + 2', () => {
    expect(defaultSubnetLen(8)).toBe(24);
    expect(defaultSubnetLen(22)).toBe(24);
    expect(defaultSubnetLen(23)).toBe(25);
    expect(defaultSubnetLen(28)).toBe(30);
  });
});

describe('planSubnets', () => {
  it('applies flannel defaults: skip the first subnet, end at the last', () => {
    expect(fmt(plan({ network: net('10.5.0.0/16') }))).toEqual({
      len: 24,
      min: '10.5.1.0',
      max: '10.5.255.0',
      capacity: 255,
    });
    expect(fmt(plan({ network: net('10.5.0.0/23') }))).toEqual({
      len: 25,
      min: '10.5.0.128',
      max: '10.5.1.128',
      capacity: 3,
    });
    expect(fmt(plan({ network: net('10.5.0.0/28') }))).toEqual({
      len: 30,
      min: '10.5.0.4',
      max: '10.5.0.12',
      capacity: 3,
    });
  });
  it('honours explicit values', () => {
    expect(
      fmt(
        plan({
          network: net('10.5.0.0/16'),
          subnetLen: 26,
          subnetMin: ip('10.5.0.64'),
          subnetMax: ip('10.5.0.192'),
        }),
      ),
    ).toEqual({
      len: 26,
      min: '10.5.0.64',
      max: '10.5.0.192',
      capacity: 3,
    });
  });
  it('refuses IPv6, /0 and networks smaller than /28', () => {
    expect(plan({ network: net('fd00::/64') }).findings[0]?.message).toMatch(/IPv4/);
    expect(plan({ network: net('0.0.0.0/0') }).findings[0]?.field).toBe('Network');
    const small = plan({ network: net('10.0.0.0/29') });
    expect(small.plan).toBeUndefined();
    expect(small.findings[0]?.fix).toMatch(/\/28/);
  });
  it('refuses SubnetLen above 30 or below prefix + 2 (flannel: room for four subnets)', () => {
    expect(plan({ network: net('10.0.0.0/8'), subnetLen: 31 }).findings[0]?.field).toBe(
      'SubnetLen',
    );
    const r = plan({ network: net('10.5.0.0/16'), subnetLen: 17 });
    expect(r.findings[0]?.fix).toMatch(/18/);
    expect(plan({ network: net('10.5.0.0/16'), subnetLen: 18 }).plan?.capacity).toBe(3);
  });
  it('refuses bounds outside the network or off a subnet boundary, with the nearest aligned fix', () => {
    const out = plan({ network: net('10.5.0.0/16'), subnetMin: ip('10.6.0.0') });
    expect(out.findings[0]).toMatchObject({ field: 'SubnetMin', severity: 'error' });
    const unalignedMin = plan({ network: net('10.5.0.0/16'), subnetMin: ip('10.5.1.5') });
    expect(unalignedMin.findings[0]?.fix).toBe('use 10.5.2.0');
    const unalignedMax = plan({ network: net('10.5.0.0/16'), subnetMax: ip('10.5.9.5') });
    expect(unalignedMax.findings[0]?.fix).toBe('use 10.5.9.0');
  });
  it('refuses SubnetMin above SubnetMax', () => {
    const r = plan({
      network: net('10.5.0.0/16'),
      subnetMin: ip('10.5.9.0'),
      subnetMax: ip('10.5.8.0'),
    });
    expect(r.plan).toBeUndefined();
    expect(r.findings[0]?.message).toMatch(/no subnet/);
  });
  it('warns when the first subnet is made leasable', () => {
    const r = plan({ network: net('10.5.0.0/16'), subnetMin: ip('10.5.0.0') });
    expect(r.plan?.capacity).toBe(256);
    expect(r.findings).toMatchObject([{ severity: 'warning', field: 'SubnetMin' }]);
  });
});
