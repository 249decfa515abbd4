// The `plexus` command. Kept free of process-global side effects so tests can
// run it in-process: runCli returns the exit code.
import { Command, CommanderError, Option } from 'commander';
import { InputError } from './validate/read-manifests.ts';
import { runValidate, type CliIO } from './validate/command.ts';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ];
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('plexus')
    .description('Plexus: multi-network pods and declarative overlay networks for Kubernetes')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(run plexus --help for usage)');

  program
    .command('validate')
    .description(
      'check Pods, workloads, NetworkAttachmentDefinitions and OverlayNetworks offline (files, directories or - for stdin)',
    )
    .argument(
      '<paths...>',
      'files, directories (searched recursively for .yaml, .yml, .json) or - for stdin',
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .option(
      '--strict-refs',
      'a reference to a NAD or OverlayNetwork missing from the given set is an error, not a warning',
      false,
    )
    .option('-n, --namespace <ns>', 'namespace of objects that name none', 'default')
    .option(
      '--cluster-cidr <cidr>',
      'cluster (pod) CIDR that no OverlayNetwork may overlap; repeatable or comma-separated',
      collect,
      [],
    )
    .option(
      '--service-cidr <cidr>',
      'service CIDR that no OverlayNetwork may overlap; repeatable or comma-separated',
      collect,
      [],
    )
    .option('-q, --quiet', 'no summary line on stderr', false)
    .action(
      async (
        paths: string[],
        opts: {
          output: 'text' | 'json';
          strictRefs: boolean;
          namespace: string;
          clusterCidr: string[];
          serviceCidr: string[];
          quiet: boolean;
        },
      ) => {
        code = await runValidate(paths, opts, io);
      },
    );

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof InputError) {
      io.stderr.write(`plexus: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  return code;
}
