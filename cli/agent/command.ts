// `plexus agent`: the node agent (a DaemonSet on every node). Every flag has a PLEXUS_* env
// twin (the DaemonSet sets env); a bad value is one line on stderr and exit code 2. SIGTERM or
// SIGINT stops it; the node's CNI config stays for a restart, and goes when the agent's
// DaemonSet is being deleted (--owner-daemonset) or --cleanup-config-on-exit asks for it.
// `plexus agent --uninstall` removes the node's CNI config (and the shim once no pod is
// attached) and exits.
import { Command, InvalidArgumentError, Option } from 'commander';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../../api/common/index.ts';
import { createLogger, parseLogLevel } from '../../lib/log/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import type { KubeClient } from '../../lib/kube/index.ts';
import { ownerDaemonSetDeleted, startNodeAgent, uninstallAgent } from '../../node-plugin/index.ts';
import type { CliIO } from '../validate/command.ts';

interface AgentFlags {
  nodeName?: string;
  kubeconfig?: string;
  stateDir: string;
  cniConfDir: string;
  cniBinDir: string;
  socket: string;
  shim?: string;
  healthAddress: { host: string; port: number };
  concurrentAttachments: boolean;
  statusWait: number;
  cleanupConfigOnExit: boolean;
  ownerDaemonset?: { namespace: string; name: string };
  uninstall: boolean;
  logLevel?: string;
}

function absolutePath(value: string): string {
  if (!value.startsWith('/'))
    throw new InvalidArgumentError(`${JSON.stringify(value)} is not an absolute path`);
  return value;
}

function hostPort(value: string): { host: string; port: number } {
  const m = /^(.*):(\d{1,5})$/.exec(value);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || !(port >= 0 && port <= 65535))
    throw new InvalidArgumentError(`${JSON.stringify(value)} is not HOST:PORT (e.g. 0.0.0.0:9441)`);
  return { host: (m[1] ?? '').replace(/^\[(.*)\]$/, '$1') || '0.0.0.0', port };
}

function namespacedName(value: string): { namespace: string; name: string } {
  const [namespace, name, ...rest] = value.split('/');
  if (
    namespace === undefined ||
    name === undefined ||
    rest.length > 0 ||
    dns1123LabelProblem(namespace) !== undefined ||
    dns1123SubdomainProblem(name) !== undefined
  )
    throw new InvalidArgumentError(`${JSON.stringify(value)} is not NAMESPACE/NAME of a DaemonSet`);
  return { namespace, name };
}

function milliseconds(value: string): number {
  const n = Number(value);
  if (!/^\d{1,6}$/.test(value) || n > 60_000)
    throw new InvalidArgumentError(
      `${JSON.stringify(value)} is not a number of milliseconds from 0 to 60000`,
    );
  return n;
}

function nodeName(value: string): string {
  const problem = dns1123SubdomainProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(`a node name ${problem}`);
  return value;
}

function logLevel(value: string): string {
  try {
    return parseLogLevel(value, '--log-level');
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** The `agent` subcommand; `done` gets the exit code. */
export function agentCommand(io: CliIO, done: (code: number) => void): Command {
  return new Command('agent')
    .description(
      'run the Plexus node agent: CNI for multi-interface pods on this node (a DaemonSet)',
    )
    .addOption(
      new Option('--node-name <name>', 'this node (Node object name)')
        .env('NODE_NAME')
        .argParser(nodeName),
    )
    .addOption(
      new Option('--kubeconfig <file>', 'kubeconfig; default $KUBECONFIG, then in-cluster')
        .env('PLEXUS_KUBECONFIG')
        .argParser(absolutePath),
    )
    .addOption(
      new Option('--state-dir <dir>', 'where the DEL cache lives')
        .env('PLEXUS_STATE_DIR')
        .default('/var/lib/plexus')
        .argParser(absolutePath),
    )
    .addOption(
      new Option('--cni-conf-dir <dir>', 'the runtime’s CNI config dir')
        .env('PLEXUS_CNI_CONF_DIR')
        .default('/etc/cni/net.d')
        .argParser(absolutePath),
    )
    .addOption(
      new Option('--cni-bin-dir <dir>', 'the runtime’s CNI plugin dir (delegates, and the shim)')
        .env('PLEXUS_CNI_BIN_DIR')
        .default('/opt/cni/bin')
        .argParser(absolutePath),
    )
    .addOption(
      new Option('--socket <path>', 'the unix socket the shim calls')
        .env('PLEXUS_AGENT_SOCKET')
        .default('/run/plexus/agent.sock')
        .argParser(absolutePath),
    )
    .addOption(
      new Option('--shim <file>', 'the shim binary to install into --cni-bin-dir')
        .env('PLEXUS_SHIM')
        .argParser(absolutePath),
    )
    .addOption(
      new Option('--health-address <host:port>', '/healthz, /readyz and /metrics')
        .env('PLEXUS_AGENT_HEALTH_ADDRESS')
        .default(hostPort('0.0.0.0:9441'), '0.0.0.0:9441')
        .argParser(hostPort),
    )
    .addOption(
      new Option(
        '--concurrent-attachments',
        'add a pod’s attachments at the same time (after the cluster network); env PLEXUS_CONCURRENT_ATTACHMENTS=true',
      ).default(false),
    )
    .addOption(
      new Option(
        '--status-wait <ms>',
        'how long ADD waits for the network-status write (0: it is written in the background)',
      )
        .env('PLEXUS_STATUS_WAIT_MS')
        .default(0)
        .argParser(milliseconds),
    )
    .addOption(
      new Option(
        '--cleanup-config-on-exit',
        'remove the node CNI config on every shutdown, not only on uninstall; env PLEXUS_CLEANUP_CONFIG_ON_EXIT=true',
      ).default(false),
    )
    .addOption(
      new Option(
        '--owner-daemonset <ns/name>',
        'the agent’s DaemonSet: a SIGTERM while it is being deleted removes the node CNI config',
      )
        .env('PLEXUS_OWNER_DAEMONSET')
        .argParser(namespacedName),
    )
    .addOption(
      new Option(
        '--uninstall',
        'remove the node CNI config (and the shim once no pod is attached), then exit',
      ).default(false),
    )
    .addOption(
      new Option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
        .env('PLEXUS_LOG_LEVEL')
        .argParser(logLevel),
    )
    .action(async (flags: AgentFlags) => done(await runAgent(flags, io)));
}

/** A boolean from the environment: true/false/1/0 (commander would take "false" for true). */
function envBool(name: string, env: NodeJS.ProcessEnv): boolean | string {
  const v = env[name];
  if (v === undefined || v === '') return false;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  return `${name}=${JSON.stringify(v.slice(0, 40))} is not true or false`;
}

async function runAgent(flags: AgentFlags, io: CliIO): Promise<number> {
  for (const [name, key] of [
    ['PLEXUS_CONCURRENT_ATTACHMENTS', 'concurrentAttachments'],
    ['PLEXUS_CLEANUP_CONFIG_ON_EXIT', 'cleanupConfigOnExit'],
  ] as const) {
    const v = envBool(name, process.env);
    if (typeof v === 'string') {
      io.stderr.write(`plexus agent: ${v}\n`);
      return 2;
    }
    flags[key] ||= v;
  }
  if (flags.uninstall) {
    const out = await uninstallAgent(flags);
    if (out.complete) {
      io.stderr.write(
        `plexus agent: removed the node CNI config and the shim from ${flags.cniBinDir}\n`,
      );
      return 0;
    }
    io.stderr.write(
      `plexus agent: removed the node CNI config; kept the shim: ${out.attached.length} pod(s) still attached through Plexus (${out.attached.slice(0, 10).join(', ')}${out.attached.length > 10 ? ', …' : ''}); delete them, then run --uninstall again\n`,
    );
    return 1;
  }
  if (flags.nodeName === undefined) {
    io.stderr.write(
      'plexus agent: --node-name (or NODE_NAME) is required: the name of this Node\n',
    );
    return 2;
  }
  const logger = createLogger({ name: 'agent', level: flags.logLevel });
  const agent = await startNodeAgent({
    nodeName: flags.nodeName,
    kubeconfig: flags.kubeconfig,
    stateDir: flags.stateDir,
    cniConfDir: flags.cniConfDir,
    cniBinDir: flags.cniBinDir,
    socketPath: flags.socket,
    shimPath: flags.shim,
    health: flags.healthAddress,
    logger,
    concurrentAttachments: flags.concurrentAttachments,
    statusWaitMs: flags.statusWait,
  });
  logger.info(
    { node: flags.nodeName, socket: flags.socket, health: agent.health.url },
    'agent started',
  );
  // A DaemonSet that is missing already at start is a misconfiguration, not an uninstall.
  let owner = flags.ownerDaemonset;
  if (owner !== undefined && (await ownerDaemonSetDeleted(agent.client, owner))) {
    logger.warn(
      { daemonSet: `${owner.namespace}/${owner.name}` },
      'the owner DaemonSet does not exist; a SIGTERM will keep the node CNI config',
    );
    owner = undefined;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const removeConfig =
    flags.cleanupConfigOnExit || (await uninstalling(owner, agent.client, logger));
  logger.info({ signal, removeConfig }, 'stopping');
  await agent.stop({ removeConfig });
  return 0;
}

async function uninstalling(
  owner: AgentFlags['ownerDaemonset'],
  client: KubeClient,
  logger: Logger,
): Promise<boolean> {
  if (owner === undefined) return false;
  const gone = await ownerDaemonSetDeleted(client, owner);
  if (gone)
    logger.info(
      { daemonSet: `${owner.namespace}/${owner.name}` },
      'the agent’s DaemonSet is being deleted: removing the node CNI config',
    );
  return gone;
}
