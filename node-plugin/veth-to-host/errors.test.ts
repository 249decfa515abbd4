import { describe, expect, it } from 'vitest';
import { asCniError, CniPluginError, configError } from './errors.ts';

describe('CniPluginError', () => {
  it('serialises as the spec error object', () => {
    const e = new CniPluginError(7, 'bad', 'more');
    expect(JSON.parse(JSON.stringify(e))).toEqual({ code: 7, msg: 'bad', details: 'more' });
    expect(e.message).toBe('bad: more');
  });
  it('turns findings into one message naming the first field, and details with every fix', () => {
    const e = configError('veth-to-host config', [
      { field: 'a.hostIP', message: 'is wrong', fix: 'fix it', severity: 'error' },
      { field: 'a.mtu', message: 'is odd', severity: 'warning' },
      { field: 'a.mtu', message: 'is too small', severity: 'error' },
    ]);
    expect(e.code).toBe(7);
    expect(e.msg).toBe('invalid veth-to-host config: a.hostIP is wrong');
    expect(e.details).toBe('a.hostIP: is wrong (fix: fix it); a.mtu: is too small');
  });
  it('wraps anything else as code 100, keeping CNI errors as they are', () => {
    const own = new CniPluginError(3, 'gone');
    expect(asCniError(own, 'x')).toBe(own);
    expect(asCniError(new Error('boom'), 'reading')).toMatchObject({
      code: 100,
      msg: 'reading failed',
      details: 'boom',
    });
  });
});
