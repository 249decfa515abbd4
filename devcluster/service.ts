// A server process that can be stopped and started again with the same command
// line (same ports, same data dir): fault tests restart etcd or kube-apiserver
// under running clients. Each start waits until the process is ready.
import { appendFileSync } from 'node:fs';
import { startDaemon } from './proc.ts';
import type { Daemon, DaemonSpec } from './proc.ts';

/** A daemon (its log appended to across restarts) and how to tell it is ready. */
export interface ServiceSpec extends DaemonSpec {
  /**
   * Resolves once the process serves. `abort` says why to give up waiting
   * (the process exited), or undefined while it runs.
   */
  ready: (abort: () => string | undefined) => Promise<void>;
}

export interface Service {
  readonly name: string;
  readonly logFile: string;
  /** Pid of the current process; a new one after each restart. */
  readonly pid: number;
  isRunning(): boolean;
  /** Starts it again after a stop and waits until it is ready. Nothing happens while it runs. */
  start(): Promise<void>;
  /** SIGTERM, then SIGKILL after graceMs; resolves once it has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL right away, as a crash would; resolves once it has exited. */
  kill(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** Last bytes of its log, for error messages. */
  logTail(bytes?: number): string;
}

/** Starts a service and waits until it is ready; on failure nothing is left running. */
export async function startService(spec: ServiceSpec): Promise<Service> {
  let daemon: Daemon | undefined;
  const launch = async (): Promise<void> => {
    if (daemon?.isRunning()) return;
    const d = startDaemon(spec);
    daemon = d;
    const abort = (): string | undefined =>
      d.isRunning() ? undefined : `${spec.name} exited:\n${d.logTail()}`;
    try {
      await spec.ready(abort);
    } catch (e) {
      await d.stop();
      throw e;
    }
  };
  const stop = async (graceMs?: number): Promise<void> => {
    if (daemon?.isRunning()) await daemon.stop(graceMs);
  };
  const kill = async (): Promise<void> => {
    if (daemon?.isRunning()) await daemon.kill();
  };
  const mark = (what: string): void =>
    appendFileSync(spec.logFile, `--- [devcluster] ${what} at ${new Date().toISOString()}\n`);
  await launch();
  return {
    name: spec.name,
    logFile: spec.logFile,
    get pid() {
      return daemon?.pid ?? 0;
    },
    isRunning: () => daemon?.isRunning() ?? false,
    async start() {
      mark('start');
      await launch();
    },
    async stop(graceMs?: number) {
      mark('stop');
      await stop(graceMs);
    },
    async kill() {
      mark('kill');
      await kill();
    },
    async restart() {
      mark('restart');
      await stop();
      await launch();
    },
    logTail: (bytes?: number) => daemon?.logTail(bytes) ?? '',
  };
}
