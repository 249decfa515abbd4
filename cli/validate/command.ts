// `plexus validate`: offline checks for GitOps pipelines and pre-commit hooks.
// Exit 0: nothing wrong; 1: an error was found; 2: usage or I/O error.
import { validateManifests, type ManifestDocument } from '../../api/validate/index.ts';
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
  const result = validateManifests(docs, {
    strictRefs: opts.strictRefs,
    defaultNamespace: opts.namespace,
    clusterCidrs: opts.clusterCidr,
    serviceCidrs: opts.serviceCidr,
  });
  const reports = result.objects;
  // Findings attached to no object (bad options, findings left out by the caps).
  const general = result.findings;
  const s = summary(reports);
  const errors = s.errors + general.filter((f) => f.severity === 'error').length;
  const warnings = s.warnings + general.filter((f) => f.severity === 'warning').length;
  if (opts.output === 'json') {
    const doc = JSON.parse(formatJson(reports)) as Record<string, unknown>;
    io.stdout.write(`${JSON.stringify({ ...doc, findings: general }, null, 2)}\n`);
  } else {
    for (const f of general)
      io.stdout.write(
        `${f.severity}: ${f.field}: ${f.message}${f.fix === undefined ? '' : `; fix: ${f.fix}`}\n`,
      );
    io.stdout.write(formatText(reports));
    if (!opts.quiet) {
      io.stderr.write(
        `checked ${s.objects} object(s) in ${files.length} file(s): ${errors} error(s), ${warnings} warning(s)\n`,
      );
    }
  }
  return errors > 0 ? 1 : 0;
}
