import { describe, expect, it } from 'vitest';
import { CniFailure } from './cni-error.ts';
import { parseCniArgs, parseCniRequest } from './cni-request.ts';

const env = {
  CNI_COMMAND: 'ADD',
  CNI_CONTAINERID: 'abc123',
  CNI_NETNS: '/var/run/netns/p',
  CNI_IFNAME: 'eth0',
  CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=web;K8S_POD_NAMESPACE=default;X=a=b',
  CNI_PATH: '/opt/cni/bin::/usr/lib/cni',
};

function failure(fn: () => unknown): CniFailure {
  try {
    fn();
  } catch (e) {
    if (e instanceof CniFailure) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('parseCniRequest', () => {
  it('reads the environment and the config once', () => {
    const req = parseCniRequest(env, '{"cniVersion":"1.1.0","type":"plexus"}');
    expect(req).toMatchObject({
      command: 'ADD',
      containerId: 'abc123',
      netns: '/var/run/netns/p',
      ifName: 'eth0',
      path: ['/opt/cni/bin', '/usr/lib/cni'],
      cniVersion: '1.1.0',
    });
    expect(req.args).toEqual({
      IgnoreUnknown: '1',
      K8S_POD_NAME: 'web',
      K8S_POD_NAMESPACE: 'default',
      X: 'a=b',
    });
  });

  it('rejects a bad environment with code 4 naming the variable', () => {
    expect(failure(() => parseCniRequest({ ...env, CNI_COMMAND: 'EXPLODE' }, '{}'))).toMatchObject({
      code: 4,
      msg: expect.stringMatching(/^CNI_COMMAND/),
    });
    expect(
      failure(() => parseCniRequest({ ...env, CNI_CONTAINERID: '../etc' }, '{}')),
    ).toMatchObject({ code: 4, msg: expect.stringMatching(/^CNI_CONTAINERID/) });
    expect(failure(() => parseCniRequest({ ...env, CNI_IFNAME: 'a/b' }, '{}'))).toMatchObject({
      code: 4,
      msg: expect.stringMatching(/^CNI_IFNAME/),
    });
    expect(
      failure(() => parseCniRequest({ ...env, CNI_IFNAME: 'sixteen-chars-xx' }, '{}')).code,
    ).toBe(4);
    expect(failure(() => parseCniRequest({ ...env, CNI_NETNS: 'relative' }, '{}')).code).toBe(4);
    expect(failure(() => parseCniRequest({ ...env, CNI_NETNS: '' }, '{}')).code).toBe(4);
    expect(failure(() => parseCniRequest({ ...env, CNI_ARGS: 'novalue' }, '{}')).code).toBe(4);
  });

  it('needs no container for GC, STATUS and VERSION; DEL takes an empty netns', () => {
    for (const command of ['GC', 'STATUS', 'VERSION'])
      expect(parseCniRequest({ CNI_COMMAND: command }, '{}').containerId).toBe('');
    expect(parseCniRequest({ ...env, CNI_COMMAND: 'DEL', CNI_NETNS: '' }, '{}').netns).toBe('');
  });

  it('rejects a config that is not a JSON object with code 6', () => {
    for (const stdin of ['', 'not json', '[]', '"x"', '{"a":'])
      expect(failure(() => parseCniRequest(env, stdin)).code).toBe(6);
  });
});

describe('parseCniArgs', () => {
  it('splits K=V pairs on ";" and the first "="', () => {
    expect(parseCniArgs('')).toEqual({});
    expect(parseCniArgs('A=1;;B=')).toEqual({ A: '1', B: '' });
    expect(() => parseCniArgs('=x')).toThrow(CniFailure);
  });
});
