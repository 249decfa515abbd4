import { describe, expect, it } from 'vitest';
import { convertResult } from './cni-result.ts';

const v1 = {
  cniVersion: '1.0.0',
  interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01', sandbox: '/var/run/netns/p' }],
  ips: [
    { address: '10.1.0.5/24', gateway: '10.1.0.1', interface: 0 },
    { address: 'fd00::5/64', interface: 0 },
  ],
  routes: [{ dst: '0.0.0.0/0' }],
};

describe('convertResult', () => {
  it('adds ips[].version for 0.3.x/0.4.0 and drops it for 1.x, changing nothing else', () => {
    const old = convertResult(v1, '0.4.0');
    expect(old.cniVersion).toBe('0.4.0');
    expect(old.ips).toEqual([
      { version: '4', address: '10.1.0.5/24', gateway: '10.1.0.1', interface: 0 },
      { version: '6', address: 'fd00::5/64', interface: 0 },
    ]);
    const back = convertResult(old, '1.1.0');
    expect(back).toEqual({ ...v1, cniVersion: '1.1.0' });
    expect(v1.cniVersion).toBe('1.0.0'); // the input is not changed
  });

  it('turns anything that is not an object into an empty result of the version', () => {
    expect(convertResult(undefined, '1.0.0')).toEqual({ cniVersion: '1.0.0' });
    expect(convertResult('x', '1.0.0')).toEqual({ cniVersion: '1.0.0' });
  });
});
