// The `plexus` command. Kept free of process-global side effects so tests can
// run it in-process: runCli returns the exit code. Exit codes: 0 nothing wrong,
// 1 errors found, 2 anything else (usage, unreadable input, internal error),
// always with one line on stderr and, under `-o json`, one JSON document on stdout.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseCidr } from '../api/net/index.ts';
import { dns1123LabelProblem } from '../api/common/index.ts';
import { InputError } from './validate/input-error.ts';
import type { CliIO } from './validate/command.ts';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** Option parser for a repeatable, comma-separated list of CIDRs. */
function cidrList(value: string, previous: string[]): string[] {
  const cidrs = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (cidrs.length === 0) throw new InvalidArgumentError('it names no CIDR (e.g. 10.244.0.0/16)');
  for (const c of cidrs) {
    if (parseCidr(c) === undefined) {
      throw new InvalidArgumentError(`${JSON.stringify(c)} is not a CIDR such as 10.244.0.0/16`);
    }
  }
  return [...previous, ...cidrs];
}

function namespaceName(value: string): string {
  const problem = dns1123LabelProblem(value);
  if (problem !== undefined) {
    throw new InvalidArgumentError(`a namespace name ${problem} (a DNS-1123 label)`);
  }
  return value;
}

/** Whether the command line asks for JSON output, judged before (and even if)
 * commander rejects it, so usage errors can be JSON too. */
function wantsJson(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return false;
    if ((a === '-o' || a === '--output') && argv[i + 1] === 'json') return true;
    if (a === '--output=json' || a === '-ojson') return true;
  }
  return false;
}

/** `{"error": …}` as the one JSON document on stdout; stdout may be the thing that broke. */
function writeJsonError(io: CliIO, message: string): void {
  try {
    io.stdout.write(`${JSON.stringify({ error: message })}\n`);
  } catch {
    // Nothing more can be said on a broken stdout; stderr has the line.
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

type SetCode = (code: number) => void;

/** The running parts' commands, each loaded only when asked for: `plexus agent` must not
 * load the operator's etcd client nor the dev cluster (the agent's RSS budget is 80 MB),
 * and `plexus validate` loads none of them. */
const PARTS: Readonly<
  Record<string, (program: Command, io: CliIO, setCode: SetCode) => Promise<void>>
> = {
  operator: async (program, _io, setCode) =>
    (await import('./operator/command.ts')).addOperatorCommand(program, setCode),
  webhooks: async (program, io, setCode) =>
    void program.addCommand(
      (await import('./webhooks/command.ts'))
        .webhooksCommand(io, setCode)
        .copyInheritedSettings(program),
    ),
  agent: async (program, io, setCode) =>
    void program.addCommand(
      (await import('./agent/command.ts')).agentCommand(io, setCode).copyInheritedSettings(program),
    ),
  dev: async (program, io, setCode) =>
    (await import('./dev/command.ts')).addDevCommand(program, io.stdout, setCode),
};

/** Registers the part the command line names, or all of them (for help and unknown names). */
async function addParts(
  program: Command,
  argv: readonly string[],
  io: CliIO,
  setCode: SetCode,
): Promise<void> {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first === 'validate') return;
  const named = first !== undefined && Object.hasOwn(PARTS, first) ? first : undefined;
  for (const [name, add] of Object.entries(PARTS))
    if (named === undefined || named === name) await add(program, io, setCode);
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const json = wantsJson(argv);
  const fail = (message: string): number => {
    io.stderr.write(`plexus: ${message}\n`);
    if (json) writeJsonError(io, message);
    return EXIT_USAGE;
  };
  let code = EXIT_OK;
  const program = new Command('plexus')
    .description('Plexus: multi-network pods and declarative overlay networks for Kubernetes')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => {
        // Under -o json, the JSON document on stdout carries the error instead.
        if (!json || !s.startsWith('error:')) io.stderr.write(s);
      },
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
    .option('-n, --namespace <ns>', 'namespace of objects that name none', namespaceName, 'default')
    .option(
      '--cluster-cidr <cidr>',
      'cluster (pod) CIDR that no OverlayNetwork may overlap; repeatable or comma-separated',
      cidrList,
      [],
    )
    .option(
      '--service-cidr <cidr>',
      'service CIDR that no OverlayNetwork may overlap; repeatable or comma-separated',
      cidrList,
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
        // Loaded when named, as the running parts are: they need not carry its manifest
        // reader and the resource schemas (TypeBox alone is 7 MB of RSS).
        const { runValidate } = await import('./validate/command.ts');
        code = await runValidate(paths, opts, io);
      },
    );

  await addParts(program, argv, io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (e.exitCode === 0) return EXIT_OK;
      return json ? fail(oneLine(e.message.replace(/^error: /, ''))) : EXIT_USAGE;
    }
    if (e instanceof InputError) return fail(oneLine(e.message));
    return fail(`internal error: ${oneLine(e instanceof Error ? e.message : String(e))}`);
  }
  return code;
}
