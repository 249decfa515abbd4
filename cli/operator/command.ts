// `plexus operator`: runs one operator replica until SIGTERM or SIGINT (exit
// 0), or until it loses leadership or fails (exit 1). Every flag has a PLEXUS_*
// variable; a bad value is one line and exit 2.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Option } from 'commander';
import type { Command } from 'commander';
import { DEFAULT_GLOBAL_NAMESPACES } from '../../api/common/index.ts';
import { EtcdConfigError } from '../../lib/etcd/index.ts';
import { KubeConfigError, loadKubeConfig } from '../../lib/kube/index.ts';
import type { KubeConfig } from '../../lib/kube/index.ts';
import { createLogger } from '../../lib/log/index.ts';
import { createOperator } from '../../operator/index.ts';
import { InputError } from '../validate/input-error.ts';
import type { OperatorOptions } from '../../operator/index.ts';
import {
  booleanValue,
  duration,
  endpointList,
  listenAddress,
  namespaceList,
  namespaceName,
  logLevel,
  positiveInt,
} from './flags.ts';

export interface OperatorFlags {
  kubeconfig?: string;
  etcdEndpoints?: string[];
  etcdCaFile?: string;
  etcdCertFile?: string;
  etcdKeyFile?: string;
  leaderElect: boolean;
  leaderElectionNamespace?: string;
  leaderElectionId: string;
  leaderElectionLeaseDuration: number;
  leaderElectionRenewDeadline: number;
  leaderElectionRetryPeriod: number;
  healthProbeBindAddress: { host: string; port: number } | false;
  metricsBindAddress: { host: string; port: number } | false;
  logLevel: string;
  workers: number;
  namespaceIsolation: boolean;
  globalNamespaces: string[];
  defaultNetworkNamespace?: string;
  identity?: string;
}

/** A problem with the flags: one line, exit 2 (runCli reports InputErrors so). */
export class FlagError extends InputError {}

const env = (o: Option, name: string): Option => o.env(`PLEXUS_${name}`);

/** Where the API server and etcd are. */
function connectionOptions(): Option[] {
  return [
    env(
      new Option(
        '--kubeconfig <path>',
        'kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)',
      ),
      'KUBECONFIG',
    ),
    env(
      new Option(
        '--etcd-endpoints <urls>',
        'etcd client URLs, comma-separated (required)',
      ).argParser(endpointList),
      'ETCD_ENDPOINTS',
    ),
    env(
      new Option('--etcd-ca-file <path>', 'CA of the etcd servers (https endpoints)'),
      'ETCD_CA_FILE',
    ),
    env(new Option('--etcd-cert-file <path>', 'client certificate for etcd'), 'ETCD_CERT_FILE'),
    env(new Option('--etcd-key-file <path>', 'client key for etcd'), 'ETCD_KEY_FILE'),
  ];
}

/** Leader election on a coordination.k8s.io Lease (client-go's timings by default). */
function leaderElectionOptions(): Option[] {
  return [
    env(
      new Option('--leader-elect [bool]', 'elect one leader among replicas through a Lease')
        .argParser(booleanValue)
        .preset('true')
        .default(true),
      'LEADER_ELECT',
    ),
    env(
      new Option(
        '--leader-election-namespace <ns>',
        "the Lease's namespace (default: the pod's)",
      ).argParser(namespaceName),
      'LEADER_ELECTION_NAMESPACE',
    ),
    env(
      new Option('--leader-election-id <name>', "the Lease's name").default('plexus-operator'),
      'LEADER_ELECTION_ID',
    ),
    env(
      new Option('--leader-election-lease-duration <d>', 'how long a silent leader keeps the Lease')
        .argParser(duration)
        .default(15_000, '15s'),
      'LEADER_ELECTION_LEASE_DURATION',
    ),
    env(
      new Option(
        '--leader-election-renew-deadline <d>',
        'how long the leader tries to renew before it gives up',
      )
        .argParser(duration)
        .default(10_000, '10s'),
      'LEADER_ELECTION_RENEW_DEADLINE',
    ),
    env(
      new Option('--leader-election-retry-period <d>', 'how often candidates try')
        .argParser(duration)
        .default(2000, '2s'),
      'LEADER_ELECTION_RETRY_PERIOD',
    ),
    env(
      new Option(
        '--identity <id>',
        'this replica in the Lease and in Events (default: $POD_NAME, else host + random)',
      ),
      'IDENTITY',
    ),
  ];
}

/** Probes, metrics, logs and concurrency. */
function runtimeOptions(): Option[] {
  return [
    env(
      new Option('--health-probe-bind-address <addr>', '/healthz, /readyz and /metrics')
        .argParser(listenAddress)
        .default({ host: '0.0.0.0', port: 8081 }, ':8081'),
      'HEALTH_PROBE_BIND_ADDRESS',
    ),
    env(
      new Option('--metrics-bind-address <addr>', '/metrics on an address of its own, 0 for none')
        .argParser(listenAddress)
        .default({ host: '0.0.0.0', port: 8080 }, ':8080'),
      'METRICS_BIND_ADDRESS',
    ),
    env(
      new Option('--log-level <level>', 'fatal, error, warn, info, debug or trace')
        .argParser(logLevel)
        .default('info'),
      'LOG_LEVEL',
    ),
    env(
      new Option('--workers <n>', 'concurrent reconciles per controller')
        .argParser(positiveInt(64))
        .default(8),
      'WORKERS',
    ),
  ];
}

/** The cluster-wide meta-plugin options every NodeNetworkConfig carries. */
function metaOptions(): Option[] {
  return [
    env(
      new Option(
        '--namespace-isolation [bool]',
        'pods may use only NADs of their namespace and the global ones',
      )
        .argParser(booleanValue)
        .preset('true')
        .default(false),
      'NAMESPACE_ISOLATION',
    ),
    env(
      new Option('--global-namespaces <list>', 'namespaces whose NADs every pod may use')
        .argParser(namespaceList)
        .default([...DEFAULT_GLOBAL_NAMESPACES], DEFAULT_GLOBAL_NAMESPACES.join(',')),
      'GLOBAL_NAMESPACES',
    ),
    env(
      new Option(
        '--default-network-namespace <ns>',
        'namespace of an unqualified default-network annotation',
      ).argParser(namespaceName),
      'DEFAULT_NETWORK_NAMESPACE',
    ),
  ];
}

/** The flags of `plexus operator`. */
export function operatorOptions(): Option[] {
  return [
    ...connectionOptions(),
    ...leaderElectionOptions(),
    ...runtimeOptions(),
    ...metaOptions(),
  ];
}

/** Turns parsed flags into the operator's options, or a FlagError naming the flag. */
export function operatorSettings(flags: OperatorFlags, kubeConfig: KubeConfig): OperatorOptions {
  if (flags.etcdEndpoints === undefined || flags.etcdEndpoints.length === 0)
    throw new FlagError(
      '--etcd-endpoints (or PLEXUS_ETCD_ENDPOINTS) is required, e.g. https://10.0.0.1:2379',
    );
  if (flags.healthProbeBindAddress === false)
    throw new FlagError('--health-probe-bind-address cannot be 0: the kubelet probes it');
  const identity =
    flags.identity ?? process.env.POD_NAME ?? `${hostname()}_${randomBytes(4).toString('hex')}`;
  const logger = createLogger({ name: 'operator', level: flags.logLevel });
  const ns = flags.leaderElectionNamespace ?? process.env.POD_NAMESPACE ?? kubeConfig.namespace;
  if (flags.leaderElect && ns === undefined)
    throw new FlagError(
      'leader election needs a namespace: pass --leader-election-namespace (not running in a pod)',
    );
  const tls =
    flags.etcdCaFile === undefined
      ? undefined
      : {
          caFile: flags.etcdCaFile,
          ...(flags.etcdCertFile === undefined ? {} : { certFile: flags.etcdCertFile }),
          ...(flags.etcdKeyFile === undefined ? {} : { keyFile: flags.etcdKeyFile }),
        };
  if (tls === undefined && (flags.etcdCertFile !== undefined || flags.etcdKeyFile !== undefined))
    throw new FlagError('--etcd-cert-file and --etcd-key-file need --etcd-ca-file too');
  return {
    kubeConfig,
    etcd: { endpoints: flags.etcdEndpoints, ...(tls ? { tls } : {}) },
    ...(flags.leaderElect && ns !== undefined
      ? {
          leaderElection: {
            namespace: ns,
            name: flags.leaderElectionId,
            identity,
            leaseDurationMs: flags.leaderElectionLeaseDuration,
            renewDeadlineMs: flags.leaderElectionRenewDeadline,
            retryPeriodMs: flags.leaderElectionRetryPeriod,
          },
        }
      : {}),
    health: flags.healthProbeBindAddress,
    ...(flags.metricsBindAddress ? { metrics: flags.metricsBindAddress } : {}),
    workers: flags.workers,
    meta: {
      namespaceIsolation: flags.namespaceIsolation,
      globalNamespaces: flags.globalNamespaces,
      ...(flags.defaultNetworkNamespace
        ? { defaultNetworkNamespace: flags.defaultNetworkNamespace }
        : {}),
    },
    identity,
    logger,
  };
}

/** Runs the operator until a signal; resolves with the exit code. */
export async function runOperator(flags: OperatorFlags): Promise<number> {
  let settings: OperatorOptions;
  try {
    const kubeConfig = loadKubeConfig({ kubeconfig: flags.kubeconfig });
    settings = operatorSettings(flags, kubeConfig);
  } catch (e) {
    if (e instanceof KubeConfigError) throw new FlagError(`kubeconfig: ${e.message}`);
    throw e;
  }
  let operator;
  try {
    operator = createOperator(settings);
  } catch (e) {
    if (e instanceof EtcdConfigError) throw new FlagError(e.message);
    throw e;
  }
  const log = settings.logger;
  const onSignal = (sig: NodeJS.Signals): void => {
    log.info({ signal: sig }, 'stopping: draining reconciles, releasing the Lease');
    void operator.stop();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    const outcome = await operator.run();
    log.info({ outcome }, 'operator stopped');
    return outcome === 'stopped' ? 0 : 1;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

/** Adds `plexus operator` to the program (inheriting its output and exit handling);
 * `done` receives the exit code. */
export function addOperatorCommand(program: Command, done: (code: number) => void): void {
  const cmd = program
    .command('operator')
    .description(
      'run the Plexus operator: OverlayNetworks into flannel-compatible etcd leases, generated NADs and NodeNetworkConfigs',
    );
  for (const o of operatorOptions()) cmd.addOption(o);
  cmd.action(async (flags: OperatorFlags) => {
    done(await runOperator(flags));
  });
}
