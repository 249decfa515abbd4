// `plexus dev`: a local cluster to try Plexus in, from a fresh clone: etcd and
// kube-apiserver, N simulated nodes, the operator, the webhooks, a node agent per
// node, the examples applied and demo pods with several interfaces; then a
// summary (the OverlayNetwork table, each node's leases, each pod's interfaces,
// where the kubeconfig and metrics are) and its checks. `--once` stops there: exit 0 only when every
// check passed, else 1. Otherwise it stays up until Ctrl-C (or SIGTERM), then
// removes everything it made. Exit 2 when it cannot start.
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { defaultDevDir, startDevCluster, startWorkloads } from '../../devcluster/dev-cluster.ts';
import type { DevCluster } from '../../devcluster/dev-cluster.ts';
import { devSummary, renderSummary, waitForNetworks } from '../../devcluster/dev-summary.ts';
import { duration, positiveInt } from '../operator/flags.ts';
import { InputError } from '../validate/input-error.ts';

export interface DevFlags {
  nodes: number;
  dir: string;
  once: boolean;
  timeout: number;
}

class DevStartError extends InputError {}

function directory(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('is empty; name a directory');
  return resolve(value);
}

export async function runDev(flags: DevFlags, out: NodeJS.WritableStream): Promise<number> {
  const say = (line: string): void => {
    out.write(`${line}\n`);
  };
  let stop: (() => void) | undefined;
  const stopped = new Promise<void>((r) => (stop = r));
  let dc: DevCluster;
  try {
    dc = await startDevCluster({ dir: flags.dir, nodes: flags.nodes, progress: say });
  } catch (e) {
    throw new DevStartError(`dev: ${e instanceof Error ? e.message : String(e)}`);
  }
  // After the run's own handlers (which sweep at once): this one reports and finishes the close.
  const onSignal = (): void => stop?.();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    say(
      `[6/6] waiting for every OverlayNetwork to be Ready (at most ${flags.timeout / 1000} s), then applying the workloads and starting the demo pods`,
    );
    await Promise.race([waitForNetworks(dc, flags.timeout), stopped]);
    await Promise.race([startWorkloads(dc, say), stopped]);
    const summary = await devSummary(dc);
    say(renderSummary(dc, summary));
    if (flags.once) {
      say(
        summary.ok
          ? 'every check passed; tearing down (--once)'
          : 'some checks FAILED; tearing down (--once)',
      );
      return summary.ok ? 0 : 1;
    }
    say('plexus dev is up. Press Ctrl-C to stop it and remove everything it made.');
    await stopped;
    return 0;
  } finally {
    say('stopping: pods, node agents, webhooks, operator, kube-apiserver, etcd, simulated nodes');
    await dc
      .close()
      .catch((e: unknown) =>
        say(`(clean-up noted: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`),
      );
    say(
      `stopped; removed the processes, network namespaces and files of this run (and ${dc.kubeconfig})`,
    );
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Under `npm run dev`, npm keeps flags before `--` for itself (`npm run dev --once` sets
 * npm_config_once): take those as this command's defaults, so both spellings work. */
function fromNpm(name: string): string | undefined {
  return process.env.npm_lifecycle_event === 'dev' ? process.env[`npm_config_${name}`] : undefined;
}

/** Adds `plexus dev` to the program; `done` receives the exit code. */
export function addDevCommand(
  program: Command,
  out: NodeJS.WritableStream,
  done: (code: number) => void,
): void {
  program
    .command('dev')
    .description(
      'run a local cluster with simulated nodes, the operator and the examples; print a summary (needs root)',
    )
    .addOption(
      new Option('--nodes <n>', 'simulated nodes')
        .argParser(positiveInt(200))
        .default(3)
        .env('PLEXUS_DEV_NODES'),
    )
    .addOption(
      new Option('--dir <dir>', "the cluster's files; DIR/kubeconfig is its admin kubeconfig")
        .argParser(directory)
        .default(defaultDevDir(), '<cache>/plexus/dev')
        .env('PLEXUS_DEV_DIR'),
    )
    .addOption(
      new Option(
        '--once',
        'check, print the summary and tear down: exit 0 only when every check passed',
      ).default(false),
    )
    .addOption(
      new Option('--timeout <d>', 'how long to wait for every network to be Ready')
        .argParser(duration)
        .default(120_000, '2m'),
    )
    .action(async (flags: DevFlags) => {
      const npmOnce = fromNpm('once');
      const npmDir = fromNpm('dir');
      const npmNodes = fromNpm('nodes');
      done(
        await runDev(
          {
            ...flags,
            once: flags.once || (npmOnce !== undefined && npmOnce !== 'false'),
            ...(npmDir !== undefined && npmDir !== 'true' ? { dir: directory(npmDir) } : {}),
            ...(npmNodes !== undefined ? { nodes: positiveInt(200)(npmNodes) } : {}),
          },
          out,
        ),
      );
    });
}
