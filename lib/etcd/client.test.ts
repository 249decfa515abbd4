// Endpoint and TLS settings are checked before any connection, with messages naming the fix;
// prefix ranges end where etcd's own clientv3.GetPrefixRangeEnd ends them.
import { describe, expect, it } from 'vitest';
import { etcdOptions, prefixEnd } from './client.ts';

describe('etcdOptions', () => {
  it('takes several endpoints of one scheme', () => {
    const o = etcdOptions({
      endpoints: ['http://10.0.0.1:2379', 'http://10.0.0.2:2379'],
      dialTimeoutMs: 1000,
    });
    expect(o.hosts).toEqual(['http://10.0.0.1:2379', 'http://10.0.0.2:2379']);
    expect(o.dialTimeout).toBe(1000);
    expect(o.credentials).toBeUndefined();
  });

  it('names what is wrong', () => {
    expect(() => etcdOptions({ endpoints: [] })).toThrow(/none given/);
    expect(() => etcdOptions({ endpoints: ['10.0.0.1:2379'] })).toThrow(
      /is not a URL; write it as https:\/\/host:2379/,
    );
    expect(() => etcdOptions({ endpoints: ['ftp://x:1'] })).toThrow(/use http:\/\/ or https:\/\//);
    expect(() => etcdOptions({ endpoints: ['http://a:1', 'https://b:1'] })).toThrow(/mix http/);
    expect(() => etcdOptions({ endpoints: ['https://a:1'] })).toThrow(/no CA file/);
    expect(() => etcdOptions({ endpoints: ['http://a:1'], tls: { caFile: '/x' } })).toThrow(
      /endpoints are http/,
    );
    expect(() =>
      etcdOptions({ endpoints: ['https://a:1'], tls: { caFile: '/nonexistent/ca.crt' } }),
    ).toThrow(/etcd CA file \/nonexistent\/ca.crt: ENOENT/);
    expect(() =>
      etcdOptions({ endpoints: ['https://a:1'], tls: { caFile: '/x', certFile: '/y' } }),
    ).toThrow(/go together/);
  });
});

describe('prefixEnd', () => {
  it('increments the last byte below 0xff, dropping trailing 0xff bytes', () => {
    expect(prefixEnd(Buffer.from('/a/')).toString()).toBe('/a0');
    expect([...prefixEnd(Buffer.from([0x61, 0xff, 0xff]))]).toEqual([0x62]);
    expect([...prefixEnd(Buffer.from([0xff]))]).toEqual([0]);
  });
});
