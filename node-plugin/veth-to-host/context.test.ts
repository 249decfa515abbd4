import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkIdentity, netnsExists, readConf, requireNetns } from './context.ts';
import { CniPluginError } from './errors.ts';

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof CniPluginError ? e.code : -1;
  }
  return undefined;
}

describe('readConf', () => {
  it('reads the fields and the version', () => {
    const r = readConf({ cniVersion: '1.0.0', name: 'n', type: 'veth-to-host', ipMasq: true });
    expect(r.cniVersion).toBe('1.0.0');
    expect(r.conf.ipMasq).toBe(true);
  });
  it('answers an unknown version with code 1 and the versions it speaks', () => {
    try {
      readConf({ cniVersion: '2.0.0', type: 'veth-to-host' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CniPluginError);
      const err = e as CniPluginError;
      expect(err.code).toBe(1);
      expect(err.details).toContain('1.1.0');
    }
    expect(codeOf(() => readConf(null))).toBe(1);
  });
  it('answers a bad field with code 7, naming the field and the fix', () => {
    try {
      readConf({ cniVersion: '1.0.0', type: 'veth-to-host', serviceCidr: '10.96.0.1/12' });
      expect.unreachable();
    } catch (e) {
      const err = e as CniPluginError;
      expect(err.code).toBe(7);
      expect(err.msg).toBe(
        'invalid veth-to-host config: veth-to-host.serviceCidr "10.96.0.1/12" has host bits set; the network address for /12 is 10.96.0.0/12',
      );
      expect(err.details).toContain('fix: use "10.96.0.0/12"');
    }
  });
});

describe('checkIdentity', () => {
  const ok = { netns: '/x', ifName: 'net1', containerId: 'abc' };
  it('accepts what runtimes send', () => {
    expect(codeOf(() => checkIdentity(ok))).toBeUndefined();
    expect(codeOf(() => checkIdentity({ ...ok, containerId: 'a'.repeat(128) }))).toBeUndefined();
  });
  it.each([
    [{ containerId: '' }, 'CNI_CONTAINERID'],
    [{ containerId: '../etc' }, 'CNI_CONTAINERID'],
    [{ containerId: 'a'.repeat(129) }, 'CNI_CONTAINERID'],
    [{ ifName: 'a/b' }, 'CNI_IFNAME'],
    [{ ifName: 'sixteen-bytes-xx' }, 'CNI_IFNAME'],
    [{ stateDir: 'relative' }, 'state dir'],
  ])('refuses %j with code 4', (patch, what) => {
    try {
      checkIdentity({ ...ok, ...patch });
      expect.unreachable();
    } catch (e) {
      expect((e as CniPluginError).code).toBe(4);
      expect((e as CniPluginError).msg).toContain(what);
    }
  });
});

describe('netnsExists', () => {
  const dir = mkdtempSync(join(tmpdir(), 'v2h-ns-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('is true for a namespace file and false for nothing', async () => {
    expect(await netnsExists('/proc/self/ns/net')).toBe(true);
    expect(await netnsExists(join(dir, 'gone'))).toBe(false);
    expect(await netnsExists('')).toBe(false);
  });
  it('refuses a plain file, a FIFO (without blocking on it) and a relative path', async () => {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(netnsExists(file)).rejects.toThrow(/is not a network namespace/);
    await expect(netnsExists(fifo)).rejects.toThrow(/is not a network namespace/);
    await expect(netnsExists('ns/pod')).rejects.toThrow(/absolute/);
  });
  it('answers a missing namespace with code 3 where the pod is needed', async () => {
    await expect(requireNetns(join(dir, 'gone'))).rejects.toMatchObject({ code: 3 });
  });
});
