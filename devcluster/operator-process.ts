// The operator as a process of its own (`node cli/plexus.ts operator …`), as it
// runs in a pod: for `plexus dev`, the e2e tests (leader election, SIGKILL,
// restarts) and the benchmark (its RSS is its own). Ready once /readyz says
// its caches are synced; stopped with the run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import { waitFor } from './proc.ts';
import type { Run } from './run.ts';
import { startService } from './service.ts';
import type { Service } from './service.ts';

const CLI = fileURLToPath(new URL('../cli/plexus.ts', import.meta.url));
/**
 * The V8 heap limits the operator runs with, here and in its Deployment
 * (manifests/base/operator.yaml, a test holds them equal): without them V8 lets the
 * heap grow with the allocation rate (300+ MB RSS while converging 1,000 nodes × 20
 * networks) long before it collects; with them the same run stays under 200 MB. The
 * operator keeps about 50 MB of live heap at 1,000 nodes, 70 MB at 2,000.
 */
export const OPERATOR_NODE_OPTIONS = '--max-old-space-size=112 --max-semi-space-size=8';
const PINNED_NODE = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
/** The Node.js the project pins (npm ci installs it), else this one. */
export const NODE_BIN = existsSync(PINNED_NODE) ? PINNED_NODE : process.execPath;

export interface OperatorProcessOptions {
  run: Run;
  /** Names the replica: its identity and log file. */
  name: string;
  kubeconfig: string;
  etcdEndpoints: readonly string[];
  /** The Lease's namespace; undefined runs without leader election. */
  leaderElectionNamespace?: string;
  /** More flags, e.g. ['--workers=8']. */
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

export interface OperatorProcess extends Service {
  /** http://127.0.0.1:<port>: /healthz, /readyz, /metrics. */
  readonly url: string;
  readonly identity: string;
  metrics(): Promise<string>;
  /** Whether leader_election_master_status is 1 (always true without leader election). */
  isLeader(): Promise<boolean>;
}

export async function startOperatorProcess(opts: OperatorProcessOptions): Promise<OperatorProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const le = opts.leaderElectionNamespace;
  const args = [
    CLI,
    'operator',
    `--kubeconfig=${opts.kubeconfig}`,
    `--etcd-endpoints=${opts.etcdEndpoints.join(',')}`,
    `--health-probe-bind-address=127.0.0.1:${port}`,
    '--metrics-bind-address=0',
    `--identity=${opts.name}`,
    ...(le === undefined
      ? ['--leader-elect=false']
      : ['--leader-elect=true', `--leader-election-namespace=${le}`]),
    ...(opts.args ?? []),
  ];
  const service = await startService({
    name: opts.name,
    cmd: NODE_BIN,
    args,
    logFile: join(opts.run.dir, `${opts.name}.log`),
    env: { ...process.env, NODE_OPTIONS: OPERATOR_NODE_OPTIONS, ...opts.env },
    ready: async (abort) => {
      const ready = async (): Promise<true | undefined> => {
        const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
        return res.status === 200 ? true : undefined;
      };
      await waitFor(`${opts.name} /readyz`, ready, {
        timeoutMs: opts.readyTimeoutMs ?? 60_000,
        abort,
      });
    },
  });
  opts.run.onClose(`operator ${opts.name}`, () => service.stop());
  const metrics = async (): Promise<string> => {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
    return res.text();
  };
  return Object.assign(service, {
    url,
    identity: opts.name,
    metrics,
    async isLeader() {
      if (le === undefined) return true;
      return /^leader_election_master_status\{[^}]*\} 1$/m.test(await metrics());
    },
  });
}

/** Peak resident set size of a process (VmHWM), in bytes; undefined once it is gone. */
export function peakRss(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
