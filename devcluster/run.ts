// One "run" of the harness: a unique id, a temp dir that holds everything the
// run creates (certs, etcd data, logs, host dirs), and the cleanup that removes
// it all — on a normal close, on SIGINT/SIGTERM/SIGHUP, on process exit, and for
// runs whose owner died (the next run reaps them).
//
// Naming contract used by the other harness modules:
//   - every network namespace of a run is named `plx-<id>-…`
//   - every long-lived process of a run has the run dir in its command line
// so a sweep can find all of it without any in-memory state.
import {
  mkdirSync,
  writeFileSync,
  readFileSync,
  readdirSync,
  rmSync,
  existsSync,
  renameSync,
  statSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, pidsMentioning, processStartTime, processState } from './proc.ts';

export const NETNS_PREFIX = 'plx-';

const DEFAULT_RUNS_ROOT = join(tmpdir(), 'plexus-runs');

/** Where run dirs live: $PLEXUS_RUN_ROOT, else <tmp>/plexus-runs. */
export function runsRoot(): string {
  return process.env.PLEXUS_RUN_ROOT ?? DEFAULT_RUNS_ROOT;
}

interface Owner {
  pid: number;
  start: string | undefined;
  id?: string;
}

/** What a child run needs of its parent: plain data, so it can cross process boundaries. */
export interface RunRef {
  id: string;
  dir: string;
}

type Cleanup = { label: string; fn: () => Promise<void> | void };

export interface Run {
  /** Unique id: <6 hex>, or <parent id>.<6 hex> for a child run. */
  readonly id: string;
  /** The run's own 6 hex digits: safe inside DNS labels (Node names) and interface-free names. */
  readonly tag: string;
  readonly dir: string;
  /** Prefix of every network namespace of this run: `plx-<id>-`. */
  readonly nsPrefix: string;
  /** Registers an async cleanup step; steps run in reverse order on close(). */
  onClose(label: string, fn: () => Promise<void> | void): void;
  /** Runs the cleanup steps, then sweeps whatever is left (processes, netns, dir). Idempotent. */
  close(): Promise<void>;
  readonly closed: boolean;
}

/** Network namespace names as `ip netns list` shows them. */
export function listNetns(): string[] {
  let out: string;
  try {
    out = execFileSync('ip', ['netns', 'list'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.length > 0);
}

/** Removes everything a run left: its processes, its netns, its dir. Synchronous so it can run in an exit handler. */
export function sweepRun(id: string, dir: string): void {
  // Every process of the run names a path inside its dir (data dirs, state dirs, certs).
  for (const pid of pidsMentioning(`${dir}/`)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  // Its own namespaces (plx-<id>-…) and those of its child runs (plx-<id>.<child>-…).
  for (const ns of listNetns()) {
    if (!ns.startsWith(`${NETNS_PREFIX}${id}-`) && !ns.startsWith(`${NETNS_PREFIX}${id}.`))
      continue;
    try {
      execFileSync('ip', ['netns', 'delete', ns], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
  // A killed process may still hold files for a moment; rm retries.
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

/** True while the owner recorded in dir/owner.json runs (a zombie or a reused pid counts as gone). */
function ownerAlive(dir: string): boolean {
  try {
    const owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as Owner;
    return (
      isAlive(owner.pid) &&
      processState(owner.pid) !== 'Z' &&
      processStartTime(owner.pid) === owner.start
    );
  } catch {
    return false;
  }
}

function runIdOf(dir: string, fallback: string): string {
  try {
    const owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as Owner;
    return typeof owner.id === 'string' && owner.id !== '' ? owner.id : fallback;
  } catch {
    return fallback;
  }
}

/** Sweeps the dead runs whose dirs are under root (top-level runs, or the child runs of one run). */
function reapDirs(root: string, live: Set<string>, reaped: Set<string>): void {
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    if (name.startsWith('.')) {
      // A run being created (see createRun) renames its dir within moments; an old one is debris.
      try {
        if (Date.now() - statSync(dir).mtimeMs > 60_000)
          rmSync(dir, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      continue;
    }
    const id = runIdOf(dir, name);
    if (ownerAlive(dir)) {
      live.add(id);
      reapDirs(join(dir, 'runs'), live, reaped);
      continue;
    }
    sweepRun(id, dir);
    reaped.add(id);
  }
}

export interface ReapOptions {
  /** Runs root to scan (default runsRoot()). */
  root?: string;
  /**
   * Also delete plx-… namespaces that belong to no live run of this root
   * (their run dir is gone). Default: only for the default root, which all the
   * project's tools share; a custom root cannot speak for namespaces of others.
   */
  orphanNamespaces?: boolean;
}

/**
 * Cleans up after runs whose owner process is gone (killed, crashed): their
 * processes, namespaces and dirs, and dead child runs of live runs. Returns the ids reaped.
 */
export function reapDeadRuns(opts: ReapOptions = {}): string[] {
  const root = opts.root ?? runsRoot();
  const reaped = new Set<string>();
  const live = new Set<string>();
  reapDirs(root, live, reaped);
  if (!(opts.orphanNamespaces ?? root === DEFAULT_RUNS_ROOT)) return [...reaped];
  for (const ns of listNetns()) {
    if (!ns.startsWith(NETNS_PREFIX)) continue;
    // plx-<id>-… where <id> is <top> or, for a child run, <top>.<child>.
    const id = ns.slice(NETNS_PREFIX.length).split('-')[0] ?? '';
    if (id === '' || live.has(id)) continue;
    try {
      execFileSync('ip', ['netns', 'delete', ns], { stdio: 'ignore' });
      reaped.add(id);
    } catch {
      // already gone
    }
  }
  return [...reaped];
}

const openRuns = new Set<{ id: string; dir: string }>();
let handlersInstalled = false;

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Entries stay until close(): a signal sweep and the exit sweep may both run, and
  // anything a worker added in between is caught by the second.
  const sweepAll = (): void => {
    for (const r of openRuns) sweepRun(r.id, r.dir);
  };
  process.on('exit', sweepAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      sweepAll();
      process.off(sig, handler);
      // With our handler gone, the default action (or the host program's own handler) applies.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

export interface CreateRunOptions {
  /** Reap dead runs first (default true). */
  reap?: boolean;
  /** Runs root (default runsRoot()); ignored for a child run, which lives in its parent's dir. */
  root?: string;
  /**
   * Make this a child of another run (e.g. of the e2e suite's run, from a test
   * worker): its dir lives inside the parent's and its namespaces are named
   * plx-<parent>.<child>-…, so closing or reaping the parent removes it too.
   */
  parent?: RunRef;
}

/** Creates a run: a fresh id and dir, reaping dead runs first. */
export function createRun(opts: CreateRunOptions = {}): Run {
  if (opts.reap !== false) reapDeadRuns({ root: opts.root ?? runsRoot() });
  const root = opts.parent ? join(opts.parent.dir, 'runs') : (opts.root ?? runsRoot());
  mkdirSync(root, { recursive: true });
  // Short ids: they go into namespace names and must stay readable.
  const short = randomBytes(3).toString('hex');
  const id = opts.parent ? `${opts.parent.id}.${short}` : short;
  const dir = join(root, short);
  // The dir appears (by rename) only with its owner file in it, so a concurrent reaper never takes it for dead.
  const staging = join(root, `.${short}`);
  mkdirSync(staging);
  const owner: Owner = { pid: process.pid, start: processStartTime(process.pid), id };
  writeFileSync(join(staging, 'owner.json'), JSON.stringify(owner));
  renameSync(staging, dir);
  const entry = { id, dir };
  openRuns.add(entry);
  installHandlers();

  const steps: Cleanup[] = [];
  let closed = false;
  let closing: Promise<void> | undefined;
  return {
    id,
    tag: short,
    dir,
    nsPrefix: `${NETNS_PREFIX}${id}-`,
    get closed() {
      return closed;
    },
    onClose(label, fn) {
      steps.push({ label, fn });
    },
    close() {
      closing ??= (async () => {
        const errors: string[] = [];
        for (const step of steps.reverse()) {
          try {
            await step.fn();
          } catch (e) {
            errors.push(`${step.label}: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
        sweepRun(id, dir);
        openRuns.delete(entry);
        closed = true;
        if (errors.length > 0)
          throw new Error(
            `run ${id} cleanup had errors (everything was still swept):\n${errors.join('\n')}`,
          );
      })();
      return closing;
    },
  };
}
