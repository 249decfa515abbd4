// Runs one CNI plugin binary as a runtime does: the CNI_* environment, the config on stdin,
// the result (or the spec's error object) on stdout, bounded in time and in output.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { isPlainObject } from '../../api/common/index.ts';
import { CNI_CODES, CniFailure, GENERIC_CNI_CODE } from '../cni/cni-error.ts';
import type { CniCommand } from '../cni/cni-request.ts';

/** The CNI environment of one plugin call. */
export interface PluginEnv {
  command: CniCommand;
  containerId: string;
  netns: string;
  ifName: string;
  cniArgs: string;
  /** CNI_PATH: where the plugin finds its own helpers (IPAM plugins). */
  path: readonly string[];
}

export interface ExecLimits {
  /** Default 60 s; the plugin is killed after it. */
  timeoutMs?: number;
}

const MAX_OUTPUT = 16 * 1024 * 1024;
const MAX_STDERR = 64 * 1024;

/** The plugin binary named `type` in the first dir that has it. */
/** Synchronous: an access() per dir, cheaper than thread-pool trips on every plugin call. */
export function findPluginBinary(type: string, dirs: readonly string[]): string {
  if (type === '' || type.includes('/') || type === '.' || type === '..')
    throw new CniFailure(
      CNI_CODES.invalidConfig,
      `plugin type ${JSON.stringify(type)} is not a file name`,
    );
  for (const dir of dirs) {
    const bin = join(dir, type);
    try {
      accessSync(bin, constants.X_OK);
      return bin;
    } catch {
      // not here
    }
  }
  throw new CniFailure(
    CNI_CODES.invalidConfig,
    `plugin ${type} was not found in ${dirs.join(':') || '(no CNI_PATH)'}`,
    `install the ${type} plugin in the CNI bin dir, or correct "type"`,
  );
}

/** Runs `bin`; resolves with its parsed stdout (undefined when empty), rejects with CniFailure. */
export function execPluginBinary(
  bin: string,
  env: PluginEnv,
  stdin: string,
  limits: ExecLimits = {},
): Promise<unknown> {
  const type = bin.slice(bin.lastIndexOf('/') + 1);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [], {
      env: {
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        CNI_COMMAND: env.command,
        CNI_CONTAINERID: env.containerId,
        CNI_NETNS: env.netns,
        CNI_IFNAME: env.ifName,
        CNI_ARGS: env.cniArgs,
        CNI_PATH: env.path.join(':'),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group: a plugin past its deadline goes with whatever it started
      // (host-local, a sleep), which would otherwise hold our pipes open.
      detached: true,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, limits.timeoutMs ?? 60_000);
    const out: Buffer[] = [];
    let outBytes = 0;
    let errText = '';
    child.stdout.on('data', (c: Buffer) => {
      outBytes += c.length;
      if (outBytes <= MAX_OUTPUT) out.push(c);
      else killGroup(child.pid);
    });
    child.stderr.on('data', (c: Buffer) => {
      if (errText.length < MAX_STDERR) errText += c.toString('utf8');
    });
    child.stdin.on('error', () => undefined); // a plugin may exit without reading stdin
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new CniFailure(CNI_CODES.ioFailure, `could not run plugin ${type}`, e.message));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut)
        return reject(
          new CniFailure(
            CNI_CODES.tryAgainLater,
            `plugin ${type} did not finish within ${(limits.timeoutMs ?? 60_000) / 1000} s and was killed by SIGKILL`,
          ),
        );
      const stdout = Buffer.concat(out).toString('utf8');
      if (outBytes > MAX_OUTPUT)
        return reject(new CniFailure(CNI_CODES.ioFailure, `plugin ${type} printed over 16 MiB`));
      if (code === 0) return resolve(parseStdout(type, stdout, reject));
      reject(failureOf(type, { code, signal, stdout, stderr: errText }));
    });
    child.stdin.end(stdin);
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function parseStdout(type: string, stdout: string, reject: (e: unknown) => void): unknown {
  const text = stdout.trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    reject(
      new CniFailure(
        CNI_CODES.decodeFailure,
        `plugin ${type} printed a result that is not JSON`,
        text.slice(0, 500),
      ),
    );
    return undefined;
  }
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The spec's error object from stdout when there is one, else what the exit says. */
function failureOf(type: string, exit: Exit): CniFailure {
  try {
    const v = JSON.parse(exit.stdout) as unknown;
    if (isPlainObject(v) && typeof v.code === 'number') {
      const msg = typeof v.msg === 'string' ? v.msg : '';
      const details = typeof v.details === 'string' ? v.details : '';
      return new CniFailure(v.code, `plugin ${type}: ${msg}`, details);
    }
  } catch {
    // not JSON: fall through
  }
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with ${exit.code}`;
  const said = (exit.stderr || exit.stdout).trim().slice(0, 2000);
  return new CniFailure(GENERIC_CNI_CODE, `plugin ${type} ${how} without an error result`, said);
}
