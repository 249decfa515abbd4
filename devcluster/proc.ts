// Running commands and long-lived child processes for the harness.
// Long-lived children (etcd, kube-apiserver) get their own process group, so a
// stop kills everything they started, and a parent-death signal, so they die
// with the process that started them even when it is SIGKILLed.
import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync, readdirSync } from 'node:fs';

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Milliseconds before the command is killed; default 120 s. */
  timeoutMs?: number;
  /** Resolve with the result instead of throwing on a non-zero exit. */
  allowFail?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  readonly result: RunResult;
  readonly argv: readonly string[];
  constructor(argv: readonly string[], result: RunResult) {
    const detail = (result.stderr.trim() || result.stdout.trim()).slice(0, 4000);
    super(`command failed (exit ${result.code}): ${argv.join(' ')}\n${detail}`);
    this.name = 'CommandError';
    this.result = result;
    this.argv = argv;
  }
}

/** Runs a command to completion; throws CommandError on a non-zero exit unless allowFail. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        let code = 0;
        if (err) {
          const e = err as NodeJS.ErrnoException & {
            code?: unknown;
            killed?: boolean;
            signal?: string | null;
          };
          if (typeof e.code === 'number') code = e.code;
          else if (e.code === 'ENOENT') {
            reject(new Error(`command not found: ${cmd}`));
            return;
          } else code = 1;
          if (e.killed || e.signal) stderr = `${stderr}\n(killed by ${e.signal ?? 'timeout'})`;
        }
        const result = { code, stdout, stderr };
        if (code !== 0 && !opts.allowFail) reject(new CommandError([cmd, ...args], result));
        else resolve(result);
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

export interface Daemon {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  isRunning(): boolean;
  /** SIGTERM to the process group, SIGKILL after graceMs. Resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the process group right away, as a crash; resolves when it has exited. */
  kill(): Promise<void>;
  /** Last bytes of its log, for error messages. */
  logTail(bytes?: number): string;
}

/** What startDaemon runs: a name for messages, the command, and where its output goes. */
export interface DaemonSpec {
  name: string;
  cmd: string;
  args: readonly string[];
  /** stdout and stderr, appended. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a long-lived process in its own process group with stdout/stderr going
 * to logFile. `setpriv --pdeathsig KILL` makes the kernel kill it when this
 * process dies, whatever the way.
 */
export function startDaemon(spec: DaemonSpec): Daemon {
  const { name, cmd, args, logFile, env } = spec;
  const fd = openSync(logFile, 'a');
  const usePdeath = existsSync('/usr/bin/setpriv');
  const argv = usePdeath ? ['--pdeathsig', 'KILL', '--', cmd, ...args] : [cmd, ...args];
  const child = spawn(usePdeath ? '/usr/bin/setpriv' : cmd, usePdeath ? argv : args, {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: env ?? process.env,
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${cmd})`);
  const pid = child.pid;
  let running = true;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', () => {
      running = false;
      resolve('spawn-error');
    });
  });
  const logTail = (bytes = 3000): string => {
    try {
      const text = readFileSync(logFile, 'utf8');
      return text.slice(-bytes);
    } catch {
      return '';
    }
  };
  return {
    name,
    pid,
    logFile,
    child,
    exited,
    isRunning: () => running,
    logTail,
    async stop(graceMs = 10_000) {
      killGroup(pid, 'SIGTERM');
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
      if ((await Promise.race([exited, timer])) === 'timeout') {
        killGroup(pid, 'SIGKILL');
        await exited;
      }
      // The group leader is gone; make sure nothing it forked stays behind.
      killGroup(pid, 'SIGKILL');
    },
    async kill() {
      killGroup(pid, 'SIGKILL');
      await exited;
    },
  };
}

/** Signals a whole process group; a group that no longer exists is fine. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Process start time in clock ticks since boot (field 22 of /proc/PID/stat); tells a reused pid apart. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after it start past the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  } catch {
    return undefined;
  }
}

/** One-letter process state (R, S, D, Z, …) from /proc/PID/stat. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** Pids whose command line mentions `needle` (e.g. a run's temp dir). */
export function pidsMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${e}/cmdline`, 'utf8');
      if (cmdline.includes(needle)) out.push(pid);
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it returns a value other than undefined, or throws after timeoutMs with describe(). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  opts: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError = '';
  for (;;) {
    const reason = opts.abort?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${opts.timeoutMs} ms waiting for ${what}${lastError ? `; last error: ${lastError}` : ''}`,
      );
    }
    await sleep(opts.intervalMs ?? 200);
  }
}
