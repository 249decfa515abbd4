// Node agents on the simulated hosts of a dev cluster. Each host is a network namespace, so
// each agent runs inside its host's namespace (as a hostNetwork DaemonSet pod runs in the
// node's) and reaches the API server through a small forwarder (go/netns-forward) that also
// makes its /metrics reachable from the root namespace. The agent uses the ServiceAccount and
// RBAC of manifests/base/agent-rbac.yaml, so the dev cluster runs it with exactly the rights an
// install gives it. The shim is built and cached by scripts/build-go.sh and installed by the
// agent into the host's CNI bin dir.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { resolveGoBuild } from './go-builds.ts';
import { resolveJsBuild } from './js-build.ts';
import type { GoBuildOptions } from './go-builds.ts';
import type { Host } from './hosts.ts';
import { freePort } from './free-port.ts';
import { kubectl } from './kube.ts';
import type { ControlPlaneInfo } from './kube.ts';
import { netnsPath } from './netns.ts';
import type { Run } from './run.ts';
import { waitFor } from './proc.ts';
import { startService } from './service.ts';
import type { Service } from './service.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));
export const SHIM_MODULE_DIR = join(REPO, 'node-plugin', 'shim');
export const NETNS_FORWARD_DIR = join(REPO, 'devcluster', 'go', 'netns-forward');
export const AGENT_RBAC_FILES = ['namespace.yaml', 'agent-rbac.yaml'].map((f) =>
  join(REPO, 'manifests', 'base', f),
);
/** The `plexus` CLI entry point (run with this Node). */
export const PLEXUS_CLI = join(REPO, 'cli', 'plexus.ts');
/**
 * Node flags for the agent (the DaemonSet passes the same): a 1 MB young generation, one V8
 * worker thread, and V8's lite mode (no optimizing compilers, no feedback kept for them): the
 * agent waits on processes and the network, not on JavaScript. With the stripped build they
 * keep it near 75 MB of RSS under load where plain `node plexus.ts` takes about 120 MB
 * (`--no-opt --no-maglev` instead of lite mode costs about 5 MB more for a little less CPU).
 */
export const AGENT_NODE_FLAGS = ['--max-semi-space-size=1', '--v8-pool-size=1', '--lite-mode'];
/** Inside a host namespace: the API server's forwarded port and the agent's health port. */
const API_PORT_IN_HOST = 6443;
const HEALTH_PORT_IN_HOST = 9441;

export interface AgentBuilds {
  shim: string;
  forward: string;
}

/** The shim and the forwarder, built when not cached. */
export async function resolveAgentBuilds(opts: GoBuildOptions = {}): Promise<AgentBuilds> {
  const shim = await resolveGoBuild({ name: 'plexus-shim', source: SHIM_MODULE_DIR }, opts);
  const forward = await resolveGoBuild({ name: 'netns-forward', source: NETNS_FORWARD_DIR }, opts);
  return { shim: shim.bin as string, forward: forward.bin as string };
}

/** The namespace of the agent's ServiceAccount and DaemonSet (manifests/base). */
export const AGENT_NAMESPACE = 'plexus-system';

/** Applies the agent's namespace, ServiceAccount and RBAC, and returns a token for it. */
export async function agentCredentials(cp: ControlPlaneInfo): Promise<string> {
  for (const f of AGENT_RBAC_FILES)
    await kubectl(cp, ['apply', '--server-side', '--field-manager=plexus-devcluster', '-f', f]);
  const res = await kubectl(cp, [
    'create',
    'token',
    'plexus-agent',
    '-n',
    AGENT_NAMESPACE,
    '--duration=48h',
  ]);
  return res.stdout.trim();
}

/** A kubeconfig with a bearer token (mode 0600). */
export function writeTokenKubeconfig(
  path: string,
  server: string,
  caCert: string,
  token: string,
): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'plexus',
        cluster: {
          server,
          'certificate-authority-data': Buffer.from(readFileSync(caCert)).toString('base64'),
        },
      },
    ],
    users: [{ name: 'plexus-agent', user: { token } }],
    contexts: [{ name: 'plexus', context: { cluster: 'plexus', user: 'plexus-agent' } }],
    'current-context': 'plexus',
  };
  writeFileSync(path, stringify(config), { mode: 0o600 });
}

export interface AgentOptions {
  /** Token of the agent's ServiceAccount (agentCredentials); one per cluster is enough. */
  token: string;
  builds: AgentBuilds;
  /** Where the agent reaches the API server from the root namespace; default the control plane's. */
  apiServer?: string;
  /** Extra `plexus agent` flags. */
  extraArgs?: string[];
  /** Extra environment (e.g. PLEXUS_LOG_LEVEL). */
  env?: Record<string, string>;
  /** Wait for /readyz (default true); false returns once the agent serves /healthz. */
  waitReady?: boolean;
  /** The `plexus` entry point to run; default the stripped build of this checkout (js-build.ts). */
  cli?: string;
  /** Node flags; default AGENT_NODE_FLAGS. */
  nodeArgs?: string[];
  /** A dir bind-mounted over /var/lib/cni for the agent and the plugins it runs, so IPAM that
   * keeps its state there (host-local without a dataDir) writes into the run, not the machine. */
  varLibCni?: string;
}

/** The command that runs `argv` inside the host's namespace, with /var/lib/cni private when
 * asked (`ip netns exec` gives the process a mount namespace of its own, so the bind mount is
 * seen by it and its children only). */
function inHost(host: Host, argv: string[], varLibCni: string | undefined): string[] {
  if (varLibCni === undefined) return ['netns', 'exec', host.ns, ...argv];
  mkdirSync(varLibCni, { recursive: true });
  // The mount point; CNI's conventional state dir, empty when nothing else made it.
  mkdirSync(VAR_LIB_CNI, { recursive: true });
  return [
    'netns',
    'exec',
    host.ns,
    'sh',
    '-c',
    `mount --bind "$0" ${VAR_LIB_CNI} && exec "$@"`,
    varLibCni,
    ...argv,
  ];
}

const VAR_LIB_CNI = '/var/lib/cni';

export interface DevAgent {
  host: Host;
  /** The agent process: stop()/kill()/start()/restart() keep its flags, state dir and socket. */
  service: Service;
  /** The forwarder process (API server into the host, metrics out of it). */
  forwarder: Service;
  socketPath: string;
  stateDir: string;
  kubeconfig: string;
  /** http://127.0.0.1:<port> in the root namespace: /healthz, /readyz, /metrics. */
  healthUrl: string;
  /** GET of a health path from the root namespace: status and body. */
  get(path: string): Promise<{ status: number; body: string }>;
  /** Waits until /readyz answers 200. */
  waitReady(timeoutMs?: number): Promise<void>;
}

async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text() };
}

/** Starts the forwarder and the agent of one host; resolves once the agent is ready. */
export async function startDevAgent(
  run: Run,
  host: Host,
  cp: ControlPlaneInfo,
  opts: AgentOptions,
): Promise<DevAgent> {
  const hostNs = netnsPath(host.ns);
  const api = new URL(opts.apiServer ?? cp.server);
  const metricsPort = await freePort();
  // A log per forwarder: its READY line must be this one's, not a predecessor's.
  const forwarderLog = join(host.dir, `netns-forward-${metricsPort}.log`);
  const forwarder = await startService({
    name: `netns-forward ${host.name}`,
    cmd: opts.builds.forward,
    args: [
      `--forward=${hostNs},127.0.0.1:${API_PORT_IN_HOST},-,${api.hostname}:${api.port}`,
      `--forward=-,127.0.0.1:${metricsPort},${hostNs},127.0.0.1:${HEALTH_PORT_IN_HOST}`,
      // The run dir in the command line lets a sweep of a dead run find the process.
      `--tag=${run.dir}/`,
    ],
    logFile: forwarderLog,
    ready: async (abort) => {
      await waitFor(
        `netns-forward ${host.name}`,
        async () => (readFileSync(forwarderLog, 'utf8').includes('READY') ? true : undefined),
        { timeoutMs: 10_000, intervalMs: 50, abort },
      );
    },
  });
  run.onClose(`netns-forward ${host.name}`, () => forwarder.stop());
  const kubeconfig = join(host.dir, 'agent.kubeconfig');
  writeTokenKubeconfig(kubeconfig, `https://127.0.0.1:${API_PORT_IN_HOST}`, cp.caCert, opts.token);
  const socketPath = join(host.dir, 'plexus', 'agent.sock');
  const stateDir = join(host.stateDir, 'plexus');
  const healthUrl = `http://127.0.0.1:${metricsPort}`;
  const args = inHost(
    host,
    [
      process.execPath,
      ...(opts.nodeArgs ?? AGENT_NODE_FLAGS),
      opts.cli ?? join(resolveJsBuild(), 'cli', 'plexus.js'),
      'agent',
      `--node-name=${host.name}`,
      `--kubeconfig=${kubeconfig}`,
      `--state-dir=${stateDir}`,
      `--cni-conf-dir=${host.cniConfDir}`,
      `--cni-bin-dir=${host.cniBinDir}`,
      `--socket=${socketPath}`,
      `--shim=${opts.builds.shim}`,
      `--health-address=127.0.0.1:${HEALTH_PORT_IN_HOST}`,
      ...(opts.extraArgs ?? []),
    ],
    opts.varLibCni,
  );
  const get = (path: string): Promise<{ status: number; body: string }> =>
    httpGet(`${healthUrl}${path}`);
  const waitHealthy = async (abort?: () => string | undefined): Promise<void> => {
    await waitFor(
      `plexus agent ${host.name} /healthz`,
      async () =>
        (await get('/healthz').catch(() => undefined))?.status === 200 ? true : undefined,
      { timeoutMs: 60_000, intervalMs: 100, abort },
    );
  };
  const waitReady = async (timeoutMs: number, abort?: () => string | undefined): Promise<void> => {
    await waitFor(
      `plexus agent ${host.name} /readyz`,
      async () =>
        (await get('/readyz').catch(() => undefined))?.status === 200 ? true : undefined,
      { timeoutMs, intervalMs: 100, abort },
    );
  };
  const service = await startService({
    name: `plexus agent ${host.name}`,
    cmd: 'ip',
    args,
    logFile: join(host.dir, 'agent.log'),
    env: { ...process.env, ...opts.env },
    ready: (abort) => (opts.waitReady === false ? waitHealthy(abort) : waitReady(60_000, abort)),
  });
  run.onClose(`plexus agent ${host.name}`, () => service.stop());
  return {
    host,
    service,
    forwarder,
    socketPath,
    stateDir,
    kubeconfig,
    healthUrl,
    get,
    waitReady: (timeoutMs = 60_000) => waitReady(timeoutMs),
  };
}
