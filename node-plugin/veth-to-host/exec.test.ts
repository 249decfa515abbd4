import { describe, expect, it } from 'vitest';
import { commandError, inNetns, mustRun, runCommand } from './exec.ts';
import { CniPluginError } from './errors.ts';

describe('inNetns', () => {
  it('runs here without a path and through nsenter with one', () => {
    expect(inNetns(undefined, ['ip', 'link'])).toEqual(['ip', 'link']);
    expect(inNetns('/var/run/netns/a b', ['ip', 'link'])).toEqual([
      'nsenter',
      '--net=/var/run/netns/a b',
      '--',
      'ip',
      'link',
    ]);
  });
});

describe('runCommand', () => {
  it('passes stdin and returns the exit code and output', async () => {
    expect(await runCommand(['cat'], { input: 'hello' })).toEqual({
      code: 0,
      stdout: 'hello',
      stderr: '',
    });
    expect((await runCommand(['sh', '-c', 'echo oops >&2; exit 3'])).code).toBe(3);
  });
  it('names a command that is not installed', async () => {
    const r = await runCommand(['no-such-command-v2h']);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/not installed/);
  });
  it('kills a command that hangs', async () => {
    const r = await runCommand(['sleep', '10'], { timeoutMs: 100 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/killed by SIGKILL/);
  });
});

describe('mustRun and commandError', () => {
  it('throw a CNI error with the command and what it said', async () => {
    await expect(mustRun('doing it', ['sh', '-c', 'echo bad >&2; exit 2'])).rejects.toMatchObject({
      code: 100,
      msg: 'doing it failed',
      details: 'sh -c echo bad >&2; exit 2 exited 2: bad',
    });
    const e = commandError('x', ['a'], { code: 1, stdout: '', stderr: '' });
    expect(e).toBeInstanceOf(CniPluginError);
    expect((e as CniPluginError).details).toBe('a exited 1');
  });
});
