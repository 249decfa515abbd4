// A CNI runtime for tests and benchmarks: the libcni driver (go/cni-driver, on
// github.com/containernetworking/cni v1.3, the library containerd and cnitool use) running
// inside a simulated host's network namespace, fed JSON lines. Requests run concurrently in
// the driver; each answer carries the time of the libcni call alone.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { resolveGoBuild } from './go-builds.ts';
import type { GoBuildOptions } from './go-builds.ts';
import type { Host } from './hosts.ts';

export const CNI_DRIVER_DIR = fileURLToPath(new URL('./go/cni-driver/', import.meta.url));

/** One attachment as a runtime keys it, plus what it passes along. */
export interface DriverAttachment {
  containerId: string;
  netns: string;
  ifName?: string;
  /** CNI_ARGS pairs (K8S_POD_NAME, …). */
  args?: [string, string][];
  capabilityArgs?: Record<string, unknown>;
  /** The network: inline config, a file, or (neither) the conf dir's first file. */
  conf?: Record<string, unknown>;
  confFile?: string;
}

export interface DriverAnswer {
  ok: boolean;
  result?: Record<string, unknown>;
  error?: string;
  /** CNI error code, when the failure carried one. */
  code?: number;
  /** Time of the libcni call in the driver, µs. */
  micros: number;
}

/** A failed libcni call, with the CNI code. */
export class DriverError extends Error {
  readonly code: number | undefined;
  readonly answer: DriverAnswer;
  constructor(op: string, answer: DriverAnswer) {
    super(
      `libcni ${op} failed${answer.code === undefined ? '' : ` [${answer.code}]`}: ${answer.error ?? ''}`,
    );
    this.name = 'DriverError';
    this.code = answer.code;
    this.answer = answer;
  }
}

export interface CniDriver {
  /** Resolves with the answer whether or not the call succeeded. */
  call(
    op: string,
    req: Partial<DriverAttachment> & { validAttachments?: unknown[] },
  ): Promise<DriverAnswer>;
  /** ADD; throws DriverError on failure. */
  add(a: DriverAttachment): Promise<DriverAnswer>;
  del(a: DriverAttachment): Promise<DriverAnswer>;
  check(a: DriverAttachment): Promise<DriverAnswer>;
  gc(
    validAttachments: { containerID: string; ifname: string }[],
    conf?: Partial<DriverAttachment>,
  ): Promise<DriverAnswer>;
  status(conf?: Partial<DriverAttachment>): Promise<DriverAnswer>;
  close(): Promise<void>;
}

export interface DriverOptions extends GoBuildOptions {
  /** libcni's cache dir; default <host state dir>/libcni. */
  cacheDir?: string;
  /** Plugin dirs; default the host's CNI bin dir. */
  binDirs?: string[];
}

export async function startCniDriver(host: Host, opts: DriverOptions = {}): Promise<CniDriver> {
  const build = await resolveGoBuild({ name: 'cni-driver', source: CNI_DRIVER_DIR }, opts);
  const args = [
    'netns',
    'exec',
    host.ns,
    build.bin as string,
    `--conf-dir=${host.cniConfDir}`,
    `--bin-dirs=${(opts.binDirs ?? [host.cniBinDir]).join(':')}`,
    `--cache-dir=${opts.cacheDir ?? join(host.stateDir, 'libcni')}`,
  ];
  const child: ChildProcessWithoutNullStreams = spawn('ip', args, {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const waiting = new Map<number, (a: DriverAnswer) => void>();
  let nextId = 1;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const a = JSON.parse(line) as DriverAnswer & { id: number };
    waiting.get(a.id)?.(a);
    waiting.delete(a.id);
  });
  let gone = false;
  // A driver killed under us (a signal's sweep) makes writes fail with EPIPE: the pending and
  // later calls answer "exited" instead of the error escaping as an uncaught exception.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      gone = true;
      for (const w of waiting.values())
        w({ ok: false, error: `cni-driver exited: ${stderr}`, micros: 0 });
      waiting.clear();
      resolve();
    }),
  );
  const call: CniDriver['call'] = (op, req) =>
    new Promise((resolve) => {
      if (gone) {
        resolve({ ok: false, error: `cni-driver exited: ${stderr}`, micros: 0 });
        return;
      }
      const id = nextId++;
      waiting.set(id, resolve);
      child.stdin.write(`${JSON.stringify({ ...req, id, op })}\n`);
    });
  const must = async (
    op: string,
    req: Partial<DriverAttachment> & { validAttachments?: unknown[] },
  ) => {
    const a = await call(op, req);
    if (!a.ok) throw new DriverError(op, a);
    return a;
  };
  return {
    call,
    add: (a) => must('add', { ifName: 'eth0', ...a }),
    del: (a) => must('del', { ifName: 'eth0', ...a }),
    check: (a) => must('check', { ifName: 'eth0', ...a }),
    gc: (validAttachments, conf = {}) => must('gc', { ...conf, validAttachments }),
    status: (conf = {}) => must('status', conf),
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
