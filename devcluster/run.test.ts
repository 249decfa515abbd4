// Runs without privileges: a private runs root, processes that name a run's
// dir in their command line, no namespaces.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, processStartTime, waitFor } from './proc.ts';
import { createRun, reapDeadRuns } from './run.ts';

const root = mkdtempSync(join(tmpdir(), 'plexus-run-test-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

/** A process whose command line names a file inside dir, as etcd's --data-dir would. */
function processIn(dir: string): ChildProcess {
  const c = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', join(dir, 'marker')], {
    stdio: 'ignore',
  });
  children.push(c);
  return c;
}

async function gone(c: ChildProcess): Promise<void> {
  await waitFor(
    'process to die',
    async () =>
      c.pid !== undefined && !isAlive(c.pid)
        ? true
        : c.exitCode !== null || c.signalCode !== null
          ? true
          : undefined,
    {
      timeoutMs: 5000,
    },
  );
}

describe('runs', () => {
  it('creates a unique dir with its owner, and close() runs the steps in reverse, kills its processes and removes the dir', async () => {
    const run = createRun({ root });
    const other = createRun({ root });
    expect(run.id).not.toBe(other.id);
    expect(run.nsPrefix).toBe(`plx-${run.id}-`);
    expect(existsSync(join(run.dir, 'owner.json'))).toBe(true);
    const order: string[] = [];
    run.onClose('a', () => void order.push('a'));
    run.onClose('b', async () => void order.push('b'));
    const p = processIn(run.dir);
    await run.close();
    expect(order).toEqual(['b', 'a']);
    await gone(p);
    expect(existsSync(run.dir)).toBe(false);
    expect(existsSync(other.dir)).toBe(true);
    await run.close(); // idempotent
    await other.close();
  });

  it('still sweeps when a cleanup step fails, and says which', async () => {
    const run = createRun({ root });
    run.onClose('broken step', () => {
      throw new Error('boom');
    });
    await expect(run.close()).rejects.toThrow(/broken step: boom/);
    expect(existsSync(run.dir)).toBe(false);
  });

  it('closing a run removes its child runs and their processes', async () => {
    const parent = createRun({ root });
    const child = createRun({ root, parent: { id: parent.id, dir: parent.dir } });
    expect(child.id).toBe(`${parent.id}.${child.tag}`);
    expect(child.nsPrefix.startsWith(`plx-${parent.id}.`)).toBe(true);
    expect(child.dir.startsWith(`${parent.dir}/`)).toBe(true);
    const p = processIn(child.dir);
    await parent.close();
    await gone(p);
    expect(existsSync(child.dir)).toBe(false);
  });

  it('reaps runs whose owner died, with their processes, and leaves live ones alone', async () => {
    // A run "owned" by a process that has exited.
    const owner = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    const ownerPid = owner.pid ?? 0;
    const start = processStartTime(ownerPid);
    await new Promise((r) => owner.once('exit', r));
    const deadDir = join(root, 'dead01');
    mkdirSync(deadDir);
    writeFileSync(
      join(deadDir, 'owner.json'),
      JSON.stringify({ pid: ownerPid, start, id: 'dead01' }),
    );
    const leftover = processIn(deadDir);
    // A dir without an owner file is dead too (its creator died before finishing).
    mkdirSync(join(root, 'noown1'));
    const live = createRun({ root, reap: false });

    const reaped = reapDeadRuns({ root });
    expect(reaped.sort()).toEqual(['dead01', 'noown1']);
    await gone(leftover);
    expect(readdirSync(root)).toEqual([live.tag]);
    await live.close();
  });
});
