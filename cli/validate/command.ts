// `plexus validate`: offline checks for GitOps pipelines and pre-commit hooks.
// Exit 0: nothing wrong; 1: an error was found; 2: usage or I/O error.
import { validateManifests, type ManifestDocument } from '../../api/validate/manifests.ts';
import { collectFiles, parseDocuments, readText } from './read-manifests.ts';
import { formatJson, formatText, summary } from './report.ts';

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
  const files = await collectFiles(paths);
  const docs: ManifestDocument[] = [];
  for (const file of files) docs.push(...parseDocuments(file, await readText(file, io.stdin)));
  const reports = validateManifests(docs, {
    strictRefs: opts.strictRefs,
    defaultNamespace: opts.namespace,
    clusterCidrs: opts.clusterCidr,
    serviceCidrs: opts.serviceCidr,
  });
  const s = summary(reports);
  if (opts.output === 'json') {
    io.stdout.write(formatJson(reports));
  } else {
    io.stdout.write(formatText(reports));
    if (!opts.quiet) {
      io.stderr.write(
        `checked ${s.objects} object(s) in ${files.length} file(s): ${s.errors} error(s), ${s.warnings} warning(s)\n`,
      );
    }
  }
  return s.errors > 0 ? 1 : 0;
}
