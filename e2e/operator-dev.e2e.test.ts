// `plexus dev`, run as a user runs it (the CLI as a child process, its own control plane):
// --once passes every check and exits 0, leaving nothing behind; without --once it
// stays up, DIR/kubeconfig works from another process, a second one on the same DIR is
// refused, and Ctrl-C (SIGINT) removes every process, network namespace and file.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE_BIN } from '../devcluster/operator-process.ts';
import { pidsMentioning, run, waitFor } from '../devcluster/proc.ts';
import { listNetns, runsRoot } from '../devcluster/run.ts';
import { controlPlane, skipReason } from './context.ts';

const CLI = fileURLToPath(new URL('../cli/plexus.ts', import.meta.url));
/** host-local's default dir: the example NADs' addresses are kept there while pods run. */
const HOST_LOCAL_DIR = '/var/lib/cni/networks';
/** The example networks' host-local dirs that did not exist before: plexus dev must not leave them. */
const ipamDirsBefore = {
  absent: ['macvlan-conf', 'macvlan-svc'].filter((n) => !existsSync(join(HOST_LOCAL_DIR, n))),
};

interface Dev {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function startDev(args: string[]): Dev {
  const child = spawn(NODE_BIN, [CLI, 'dev', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => text, exited };
}

/** The run id, from the run dir the summary prints. */
function runIdOf(text: string): string {
  const id = /files:\s+\S*\/([0-9a-f]{6}) /.exec(text)?.[1];
  if (id === undefined) throw new Error(`no run dir in the output:\n${text}`);
  return id;
}

function leftovers(dir: string, id: string): string[] {
  const found: string[] = [];
  if (existsSync(join(dir, 'kubeconfig'))) found.push('DIR/kubeconfig');
  for (const f of ['owner.json', 'run']) if (existsSync(join(dir, f))) found.push(`DIR/${f}`);
  if (existsSync(join(runsRoot(), id))) found.push('the run dir');
  found.push(...listNetns().filter((ns) => ns.startsWith(`plx-${id}-`)));
  found.push(...pidsMentioning(`${dir}/`).map((p) => `pid ${p}`));
  for (const net of ipamDirsBefore.absent)
    if (existsSync(join(HOST_LOCAL_DIR, net))) found.push(`${HOST_LOCAL_DIR}/${net}`);
  return found;
}

describe.skipIf(skipReason() !== null)('plexus dev', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    // The mkdtemp parents: plexus dev removed DIR itself.
    for (const d of dirs) rmSync(dirname(d), { recursive: true, force: true });
  });
  const newDir = (): string => {
    const d = join(mkdtempSync(join(tmpdir(), 'plexus-dev-e2e-')), 'dev');
    dirs.push(d);
    return d;
  };

  it('--once passes every check, exits 0 and leaves nothing behind', async () => {
    const dir = newDir();
    const dev = startDev(['--once', `--dir=${dir}`]);
    children.push(dev.child);
    const code = await dev.exited;
    const text = dev.out();
    expect(code, text).toBe(0);
    expect(text).toContain('every check passed');
    expect(text).toMatch(/NAME\s+NETWORK\s+VNI\s+ALLOCATED\s+CAPACITY\s+NADS\s+READY\s+AGE/);
    expect(text).toMatch(/blue\s+173\.17\.0\.0\/16\s+2\s+3\s+255\s+2\s+True/);
    expect(text).toMatch(/green\s+10\.250\.0\.0\/20\s+3\s+2\s+15\s+1\s+True/);
    for (const n of ['node-1', 'node-2', 'node-3'])
      expect(text).toMatch(
        new RegExp(
          `${n}\\s+blue\\s+173\\.17\\.\\d+\\.0/24\\s+192\\.168\\.64\\.1\\d\\s+([0-9a-f]{2}:){5}[0-9a-f]{2}`,
        ),
      );
    // The node side: agents on every node, pods with several interfaces, the underlay working.
    expect(text).toMatch(
      /default\/demo-a \(node-1\): eth0 10\.244\.1\.\d+ default, data0 192\.168\.100\.\d+ default\/macvlan-conf, net2 192\.168\.101\.\d+ default\/macvlan-svc/,
    );
    expect(text).toMatch(
      /default\/demo-c \(node-2\): eth0 10\.244\.2\.\d+ default, svc0 192\.168\.101\.\d+ default\/macvlan-svc/,
    );
    expect(text).toMatch(/ok {3}a node agent is ready on every node: 3 ready/);
    expect(text).toMatch(
      /ok {3}pods reach each other over the macvlan underlay: .*demo-c \(node-2\)/,
    );
    // Admission: the example workloads went through the webhooks; a bad annotation did not.
    expect(text).toContain('deployment.apps/storage-client created');
    expect(text).toMatch(
      /ok {3}the webhooks reject a bad network annotation at apply time: .*admission webhook "pods\.plexus\.dev" denied the request: metadata\.annotations\[k8s\.v1\.cni\.cncf\.io\/networks\]/,
    );
    expect(text).toContain(`kubeconfig:   ${dir}/kubeconfig`);
    expect(text).not.toContain('FAIL');
    expect(leftovers(dir, runIdOf(text))).toEqual([]);
  });

  it('stays up for kubectl from elsewhere, refuses a second one on its DIR, and Ctrl-C removes everything', async () => {
    const dir = newDir();
    const dev = startDev([`--dir=${dir}`, '--nodes=2']);
    children.push(dev.child);
    await waitFor(
      'plexus dev is up',
      async () => (dev.out().includes('plexus dev is up') ? true : undefined),
      {
        timeoutMs: 180_000,
        intervalMs: 250,
      },
    );
    const kubectl = controlPlane().kubectlBin;
    const got = await run(
      kubectl,
      [`--kubeconfig=${dir}/kubeconfig`, 'get', 'onet', '-o', 'name'],
      {
        env: { ...process.env, HOME: dir },
      },
    );
    expect(got.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'overlaynetwork.plexus.dev/blue',
      'overlaynetwork.plexus.dev/green',
    ]);

    const second = startDev([`--dir=${dir}`, '--once']);
    children.push(second.child);
    expect(await second.exited).toBe(2);
    expect(second.out()).toMatch(/another plexus dev \(pid \d+\) is running with --dir /);
    expect(second.out()).toContain(dir);

    const id = runIdOf(dev.out());
    expect(leftovers(dir, id).length).toBeGreaterThan(0);
    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(dev.out()).toContain('stopped; removed');
    expect(leftovers(dir, id)).toEqual([]);
  });
});
