import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../main.ts';

async function run(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli(args, { stdout, stderr, stdin: new PassThrough() });
  return { code, err };
}

const dir = mkdtempSync(join(tmpdir(), 'plexus-operator-flags-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(
  kubeconfig,
  [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
    'users: [{name: u, user: {token: t}}]',
    'contexts: [{name: c, context: {cluster: c, user: u}}]',
    'current-context: c',
  ].join('\n'),
);

describe('plexus operator: bad flags are one line and exit 2', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cases: [string, string[], RegExp][] = [
    ['no etcd endpoints', [], /--etcd-endpoints.*is required/],
    ['a bad endpoint', ['--etcd-endpoints=etcd:2379'], /not an etcd URL/],
    [
      'no Lease namespace outside a pod',
      ['--etcd-endpoints=http://127.0.0.1:2379'],
      /--leader-election-namespace/,
    ],
    [
      'https without a CA',
      ['--etcd-endpoints=https://127.0.0.1:2379', '--leader-elect=false'],
      /no CA file was given/,
    ],
    [
      'a client certificate without a CA',
      ['--etcd-endpoints=http://127.0.0.1:2379', '--leader-elect=false', '--etcd-cert-file=/x'],
      /need --etcd-ca-file/,
    ],
    [
      'probes turned off',
      [
        '--etcd-endpoints=http://127.0.0.1:2379',
        '--leader-elect=false',
        '--health-probe-bind-address=0',
      ],
      /cannot be 0/,
    ],
    ['a bad duration', ['--leader-election-lease-duration=soon'], /not a duration/],
    ['a bad log level', ['--log-level=loud'], /not a log level/],
  ];
  for (const [what, args, message] of cases)
    it(what, async () => {
      const r = await run(['operator', `--kubeconfig=${kubeconfig}`, ...args]);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    });

  it('names a kubeconfig that does not read', async () => {
    const r = await run([
      'operator',
      `--kubeconfig=${join(dir, 'missing')}`,
      '--etcd-endpoints=http://127.0.0.1:2379',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^plexus: kubeconfig: /);
  });
});
