// `plexus agent` on the command line: bad flags and environment are one line and exit code 2;
// --uninstall removes the node config and the shim, or keeps the shim while pods are attached.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../main.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plexus-agent-cli-'));
});
afterEach(() => {
  delete process.env.PLEXUS_CONCURRENT_ATTACHMENTS;
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli(['agent', ...args], { stdout, stderr, stdin: new PassThrough() });
  return { code, out, err };
}

describe('plexus agent', () => {
  it.each([
    [['--health-address', 'nope'], /is not HOST:PORT/],
    [['--state-dir', 'relative/dir'], /is not an absolute path/],
    [['--status-wait', '999999'], /not a number of milliseconds from 0 to 60000/],
    [['--node-name', 'Bad_Name'], /a node name/],
    [['--owner-daemonset', 'only-one-part'], /is not NAMESPACE\/NAME/],
    [['--log-level', 'loud'], /unknown log level/],
    [[], /--node-name \(or NODE_NAME\) is required/],
  ])('refuses %j with one line and exit code 2', async (args, message) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(
      r.err
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('(run plexus')),
    ).toHaveLength(1);
  });

  it('refuses a boolean environment variable that is neither true nor false', async () => {
    process.env.PLEXUS_CONCURRENT_ATTACHMENTS = 'maybe';
    const r = await run(['--node-name', 'n1']);
    expect(r).toMatchObject({
      code: 2,
      err: 'plexus agent: PLEXUS_CONCURRENT_ATTACHMENTS="maybe" is not true or false\n',
    });
  });

  it('--uninstall removes the node config and the shim, keeping the shim while pods are attached', async () => {
    const conf = join(dir, 'net.d');
    const bin = join(dir, 'bin');
    const state = join(dir, 'state');
    for (const d of [conf, bin, join(state, 'attachments')]) mkdirSync(d, { recursive: true });
    writeFileSync(join(conf, '00-plexus.conflist'), '{}');
    writeFileSync(join(conf, '10-default.conflist'), '{}');
    for (const shim of ['plexus', 'plexus-overlay', 'veth-to-host'])
      writeFileSync(join(bin, shim), 'x');
    const record = {
      kind: 'plexusAttachmentV1',
      containerId: 'c1',
      ifName: 'eth0',
      delegates: [],
      pod: { namespace: 'ns', name: 'web' },
    };
    writeFileSync(join(state, 'attachments', 'c1_eth0.json'), JSON.stringify(record));
    const flags = [
      '--uninstall',
      `--cni-conf-dir=${conf}`,
      `--cni-bin-dir=${bin}`,
      `--state-dir=${state}`,
    ];

    const kept = await run(flags);
    expect(kept.code).toBe(1);
    expect(kept.err).toMatch(/kept the shim: 1 pod\(s\) still attached through Plexus \(ns\/web\)/);
    expect(existsSync(join(conf, '00-plexus.conflist'))).toBe(false);
    expect(existsSync(join(conf, '10-default.conflist'))).toBe(true);
    expect(existsSync(join(bin, 'plexus'))).toBe(true);

    rmSync(join(state, 'attachments', 'c1_eth0.json'));
    const done = await run(flags);
    expect(done.code).toBe(0);
    for (const shim of ['plexus', 'plexus-overlay', 'veth-to-host'])
      expect(existsSync(join(bin, shim))).toBe(false);
  });

  it('documents its flags in --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--node-name',
      '--uninstall',
      '--status-wait',
      '--owner-daemonset',
      '--concurrent-attachments',
    ])
      expect(r.out).toContain(flag);
  });
});
