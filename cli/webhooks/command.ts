// `plexus webhooks`: the flags (each with a PLEXUS_* environment variable) and their checks; a
// bad value is one line on stderr and exit 2, before anything starts.
import { Command, InvalidArgumentError, Option } from 'commander';
import { dns1123LabelProblem, DEFAULT_GLOBAL_NAMESPACES } from '../../api/common/index.ts';
import { parseCidr } from '../../api/net/index.ts';
import type { CliIO } from '../validate/command.ts';
import { runWebhooks } from './run.ts';
import type { WebhooksOptions } from './run.ts';

function port(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || n > 65535)
    throw new InvalidArgumentError(`${JSON.stringify(value.slice(0, 40))} is not a port (0-65535)`);
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || n < 1 || n > 3600)
    throw new InvalidArgumentError(
      `${JSON.stringify(value.slice(0, 40))} is not a number of seconds (1-3600)`,
    );
  return n;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function cidrs(value: string): string[] {
  const out = list(value);
  for (const c of out)
    if (parseCidr(c) === undefined)
      throw new InvalidArgumentError(
        `${JSON.stringify(c.slice(0, 60))} is not a CIDR such as 10.244.0.0/16`,
      );
  return out;
}

function namespaces(value: string): string[] {
  const out = list(value);
  for (const ns of out) {
    const problem = dns1123LabelProblem(ns);
    if (problem !== undefined)
      throw new InvalidArgumentError(`namespace ${JSON.stringify(ns.slice(0, 60))} ${problem}`);
  }
  return out;
}

function namespacedName(value: string): string {
  const parts = value.split('/');
  if (parts.length !== 2 || parts.some((p) => dns1123LabelProblem(p) !== undefined))
    throw new InvalidArgumentError(`${JSON.stringify(value.slice(0, 80))} is not NAMESPACE/NAME`);
  return value;
}

function boolText(value: string | boolean): boolean {
  // The flag alone (`--namespace-isolation`) comes here as its preset, true.
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0' || value === '') return false;
  throw new InvalidArgumentError(`${JSON.stringify(value.slice(0, 20))} is not true or false`);
}

const opt = (flags: string, description: string, env: string): Option =>
  new Option(flags, description).env(env);

/** The options commander fills in: the run options that are flags as they are, and the rest
 * as the flags spell them. */
type PassedThrough =
  | 'kubeconfig'
  | 'bindAddress'
  | 'port'
  | 'healthBindAddress'
  | 'healthPort'
  | 'certDir'
  | 'certSource'
  | 'certSecret'
  | 'webhookConfiguration'
  | 'logLevel';
type ParsedFlags = Pick<WebhooksOptions, PassedThrough> & {
  certNames?: string[];
  service: string;
  serviceNamespace: string;
  namespaceIsolation: boolean;
  globalNamespaces: string[];
  defaultNetworkNamespace?: string;
  clusterCidr: string[];
  serviceCidr: string[];
  shutdownTimeout: number;
};

/** The run options from the parsed flags. */
function optionsOf(flags: ParsedFlags): WebhooksOptions {
  const {
    certNames,
    service,
    serviceNamespace,
    namespaceIsolation,
    globalNamespaces,
    defaultNetworkNamespace,
    clusterCidr,
    serviceCidr,
    shutdownTimeout,
    ...same
  } = flags;
  return {
    ...same,
    certNames: certNames ?? [
      `${service}.${serviceNamespace}.svc`,
      `${service}.${serviceNamespace}.svc.cluster.local`,
    ],
    policy: {
      namespaceIsolation,
      globalNamespaces,
      ...(defaultNetworkNamespace ? { defaultNetworkNamespace } : {}),
    },
    clusterCidrs: clusterCidr,
    serviceCidrs: serviceCidr,
    shutdownSeconds: shutdownTimeout,
  };
}

/** The command; `done(code)` gets the exit code once the server has stopped (1 when it could
 * not start, with the reason on stderr). */
export function webhooksCommand(io: CliIO, done: (code: number) => void): Command {
  return new Command('webhooks')
    .description(
      'run the admission webhooks: pods and workload templates (network annotations), NADs and OverlayNetworks',
    )
    .addOption(
      opt(
        '--kubeconfig <file>',
        'kubeconfig (default: $KUBECONFIG, in-cluster, ~/.kube/config)',
        'PLEXUS_KUBECONFIG',
      ),
    )
    .addOption(
      opt(
        '--bind-address <host>',
        'address of the HTTPS admission server',
        'PLEXUS_BIND_ADDRESS',
      ).default('0.0.0.0'),
    )
    .addOption(
      opt('--port <port>', 'port of the HTTPS admission server', 'PLEXUS_WEBHOOK_PORT')
        .argParser(port)
        .default(9443),
    )
    .addOption(
      opt(
        '--health-bind-address <host>',
        'address of /healthz, /readyz and /metrics (plain HTTP)',
        'PLEXUS_HEALTH_BIND_ADDRESS',
      ).default('0.0.0.0'),
    )
    .addOption(
      opt('--health-port <port>', 'port of /healthz, /readyz and /metrics', 'PLEXUS_HEALTH_PORT')
        .argParser(port)
        .default(8081),
    )
    .addOption(
      opt(
        '--cert-dir <dir>',
        'directory of tls.crt and tls.key (reloaded when they change)',
        'PLEXUS_CERT_DIR',
      ).default('/tmp/plexus-webhooks/certs'),
    )
    .addOption(
      opt(
        '--cert-source <source>',
        'files: use --cert-dir as it is (cert-manager); secret: bootstrap a CA and certificate into --cert-secret and keep the caBundle in step',
        'PLEXUS_CERT_SOURCE',
      )
        .choices(['files', 'secret'])
        .default('files'),
    )
    .addOption(
      opt(
        '--cert-secret <namespace/name>',
        'Secret holding the bootstrapped certificates',
        'PLEXUS_CERT_SECRET',
      )
        .argParser(namespacedName)
        .default('plexus-system/plexus-webhooks-certs'),
    )
    .addOption(
      opt(
        '--service <name>',
        'the Service in front of the webhook (names in the bootstrapped certificate)',
        'PLEXUS_SERVICE',
      ).default('plexus-webhooks'),
    )
    .addOption(
      opt('--service-namespace <ns>', 'namespace of that Service', 'POD_NAMESPACE').default(
        'plexus-system',
      ),
    )
    .addOption(
      opt(
        '--cert-names <names>',
        'DNS names and IPs of the bootstrapped certificate, comma-separated (default: the Service names)',
        'PLEXUS_CERT_NAMES',
      ).argParser(list),
    )
    .addOption(
      opt(
        '--webhook-configuration <name>',
        'ValidatingWebhookConfiguration whose caBundle follows the Secret ("" for none)',
        'PLEXUS_WEBHOOK_CONFIGURATION',
      ).default('plexus-webhooks'),
    )
    .addOption(
      opt(
        '--namespace-isolation [bool]',
        "Multus' namespaceIsolation: pods may use only NADs of their own and the global namespaces",
        'PLEXUS_NAMESPACE_ISOLATION',
      )
        .argParser(boolText)
        .default(false)
        .preset(true),
    )
    .addOption(
      opt(
        '--global-namespaces <namespaces>',
        'namespaces whose NADs every pod may use under isolation, comma-separated',
        'PLEXUS_GLOBAL_NAMESPACES',
      )
        .argParser(namespaces)
        .default([...DEFAULT_GLOBAL_NAMESPACES]),
    )
    .addOption(
      opt(
        '--default-network-namespace <ns>',
        "namespace of a default-network NAD named without one (default: the pod's)",
        'PLEXUS_DEFAULT_NETWORK_NAMESPACE',
      ).argParser((v) => namespaces(v)[0] ?? ''),
    )
    .addOption(
      opt(
        '--cluster-cidr <cidrs>',
        'cluster (pod) CIDRs no OverlayNetwork may overlap, comma-separated',
        'PLEXUS_CLUSTER_CIDRS',
      )
        .argParser(cidrs)
        .default([]),
    )
    .addOption(
      opt(
        '--service-cidr <cidrs>',
        'Service CIDRs no OverlayNetwork may overlap, comma-separated',
        'PLEXUS_SERVICE_CIDRS',
      )
        .argParser(cidrs)
        .default([]),
    )
    .addOption(
      opt(
        '--log-level <level>',
        'fatal, error, warn, info, debug, trace or silent',
        'PLEXUS_LOG_LEVEL',
      ),
    )
    .addOption(
      opt(
        '--shutdown-timeout <seconds>',
        'how long reviews in flight may take to finish after SIGTERM',
        'PLEXUS_SHUTDOWN_TIMEOUT',
      )
        .argParser(seconds)
        .default(15),
    )
    .action(async (flags: ParsedFlags) => {
      try {
        done(await runWebhooks(optionsOf(flags)));
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        io.stderr.write(`plexus webhooks: ${message.split('\n')[0] ?? ''}\n`);
        done(1);
      }
    });
}
