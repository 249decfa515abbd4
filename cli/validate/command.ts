// `plexus validate`: offline checks for GitOps pipelines and pre-commit hooks.
// Exit 0: nothing wrong; 1: an error was found; 2: usage or I/O error.
import { validateManifests } from '../../api/validate/manifests.ts';
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
  const reports = validateManifests(input.documents, {
    strictRefs: opts.strictRefs,
    defaultNamespace: opts.namespace,
    clusterCidrs: opts.clusterCidr,
    serviceCidrs: opts.serviceCidr,
  });
  const entries = inFileOrder(reports, input.problems, input.files);
  const s = summary(entries);
  if (opts.output === 'json') {
    await writeJson(entries, io.stdout);
  } else {
    await writeText(entries, io.stdout);
    if (!opts.quiet) {
      io.stderr.write(
        `checked ${s.objects} object(s) in ${input.files.length} file(s): ${s.errors} error(s), ${s.warnings} warning(s)\n`,
      );
    }
  }
  return s.errors > 0 ? 1 : 0;
}
