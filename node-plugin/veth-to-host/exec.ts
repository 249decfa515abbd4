// Runs the system commands veth-to-host works through (iproute2, iptables),
// in this process's network namespace (the node's) or, through nsenter, in the
// pod's. Every run is bounded in time and output, and never goes through a shell.
import { execFile } from 'node:child_process';
import { CniPluginError, CNI_CODES } from './errors.ts';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  input?: string;
  /** Default 15 s: a netlink or iptables call that takes longer is stuck. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** iptables-save on a node with many Services runs to megabytes; more is not a node. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** `argv` as run inside the network namespace at `netns` (a path), or here when undefined. */
export function inNetns(netns: string | undefined, argv: readonly string[]): string[] {
  return netns === undefined ? [...argv] : ['nsenter', `--net=${netns}`, '--', ...argv];
}

/** Runs argv to completion; a non-zero exit is a result, not an exception. */
export function runCommand(
  argv: readonly string[],
  opts: CommandOptions = {},
): Promise<CommandResult> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return Promise.reject(new Error('runCommand: empty argv'));
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      {
        timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
      },
      (err, stdout, stderr) => {
        if (err === null) {
          resolve({ code: 0, stdout, stderr });
          return;
        }
        const e = err as NodeJS.ErrnoException & { code?: unknown; signal?: unknown };
        let note = '';
        if (e.code === 'ENOENT') note = `${cmd} is not installed (not found in PATH)`;
        else if (typeof e.signal === 'string') note = `killed by ${e.signal} (timeout or limit)`;
        else if (typeof e.code !== 'number') note = e.message;
        resolve({
          code: typeof e.code === 'number' ? e.code : 127,
          stdout: typeof stdout === 'string' ? stdout : '',
          stderr: [stderr, note].filter((s) => typeof s === 'string' && s !== '').join('\n'),
        });
      },
    );
    child.stdin?.on('error', () => {
      // The command exited before reading its input; its exit status says why.
    });
    child.stdin?.end(opts.input ?? '');
  });
}

/** The error for a failed command: what it was doing, the command, and what it said. */
export function commandError(doing: string, argv: readonly string[], r: CommandResult): Error {
  const said = (r.stderr.trim() || r.stdout.trim()).slice(0, 2000);
  return new CniPluginError(
    CNI_CODES.systemCommandFailed,
    `${doing} failed`,
    `${argv.join(' ')} exited ${r.code}${said === '' ? '' : `: ${said}`}`,
  );
}

/** Runs argv and returns its stdout; throws commandError when it fails. */
export async function mustRun(
  doing: string,
  argv: readonly string[],
  opts: CommandOptions = {},
): Promise<string> {
  const r = await runCommand(argv, opts);
  if (r.code !== 0) throw commandError(doing, argv, r);
  return r.stdout;
}
