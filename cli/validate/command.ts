// `plexus validate`: offline checks for GitOps pipelines and pre-commit hooks.
// Exit 0: nothing wrong; 1: an error was found; 2: usage or I/O error.
import { validateManifests } from '../../api/validate/index.ts';
import { readManifests } from './read-manifests.ts';
import { inFileOrder, summary, writeJson, writeText } from './report.ts';

export interface ValidateCommandOptions {
  output: 'text' | 'json';
  strictRefs: boolean;
  namespace: string;
  clusterCidr: string[];
  serviceCidr: string[];
  quiet: boolean;
}

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

export async function runValidate(
  paths: readonly string[],
  opts: ValidateCommandOptions,
  io: CliIO,
): Promise<number> {
  const input = await readManifests(paths, io.stdin);
  const result = validateManifests(input.documents, {
    strictRefs: opts.strictRefs,
    defaultNamespace: opts.namespace,
    clusterCidrs: opts.clusterCidr,
    serviceCidrs: opts.serviceCidr,
  });
  // `result.findings` belong to no object: what the caps left out, bad options.
  const report = {
    entries: inFileOrder(result.objects, input.problems, input.files),
    findings: result.findings,
  };
  const s = summary(report);
  if (opts.output === 'json') {
    await writeJson(report, io.stdout);
  } else {
    await writeText(report, io.stdout);
    if (!opts.quiet) {
      io.stderr.write(
        `checked ${s.objects} object(s) in ${input.files.length} file(s): ${s.errors} error(s), ${s.warnings} warning(s)\n`,
      );
    }
  }
  return s.errors > 0 ? 1 : 0;
}
