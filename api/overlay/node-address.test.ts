import { describe, expect, it } from 'vitest';
import { nodePublicIp, PUBLIC_IP_ANNOTATION } from './node-address.ts';

describe('nodePublicIp', () => {
  const addresses = [
    { type: 'Hostname', address: 'node-a' },
    { type: 'InternalIP', address: 'fd00::5' },
    { type: 'InternalIP', address: '192.168.64.11' },
  ];
  it('takes the first IPv4 InternalIP', () => {
    expect(nodePublicIp({ addresses })).toEqual({ ip: '192.168.64.11' });
  });
  it('prefers the annotation', () => {
    expect(
      nodePublicIp({ addresses, annotations: { [PUBLIC_IP_ANNOTATION]: ' 10.0.0.9 ' } }),
    ).toEqual({ ip: '10.0.0.9' });
  });
  it('says what to do when there is no usable address', () => {
    const bad = nodePublicIp({ addresses, annotations: { [PUBLIC_IP_ANNOTATION]: 'fd00::1' } });
    expect(bad).toHaveProperty('problem');
    expect((bad as { problem: string }).problem).toContain(PUBLIC_IP_ANNOTATION);
    expect(
      nodePublicIp({ addresses: [{ type: 'ExternalIP', address: '1.2.3.4' }] }),
    ).toHaveProperty('problem');
    expect(nodePublicIp({})).toHaveProperty('problem');
  });
});
