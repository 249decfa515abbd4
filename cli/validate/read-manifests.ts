// Reads the manifests `plexus validate` was given: files, directories and `-`
// for stdin, every document as kubectl would read it. A document that cannot
// be read becomes a reader problem for that document only; a path that cannot
// be read at all is an InputError (exit code 2).
import type { ManifestDocument } from '../../api/validate/index.ts';
import { STDIN, collectFiles } from './collect-files.ts';
import { readDocuments, type ReadLimits } from './kube-yaml/index.ts';
import { readInput } from './read-input.ts';

/** Larger inputs are refused, and no file may grow past this when its YAML
 * aliases are expanded: no sane manifest file is this big. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export const READ_LIMITS: ReadLimits = {
  maxBytes: MAX_FILE_BYTES,
  // Far beyond any Kubernetes object (CRD schemas nest a few dozen levels),
  // and well inside the stack of every recursive check after this one.
  maxDepth: 1000,
  maxMergedKeys: 100_000,
};

/** A document that could not be read as kubectl reads it. */
export interface ReaderProblem {
  file: string;
  document: number;
  message: string;
  fix: string;
}

export interface ReadManifests {
  /** Display names of the files read, in order (`<stdin>` for `-`). */
  files: string[];
  documents: ManifestDocument[];
  problems: ReaderProblem[];
}

export async function readManifests(
  paths: readonly string[],
  stdin: NodeJS.ReadableStream,
  limits: ReadLimits = READ_LIMITS,
): Promise<ReadManifests> {
  const out: ReadManifests = { files: [], documents: [], problems: [] };
  for (const path of await collectFiles(paths)) {
    const file = path === STDIN ? '<stdin>' : path;
    out.files.push(file);
    const bytes = await readInput(path, stdin, limits.maxBytes);
    for (const doc of readDocuments(bytes, limits)) {
      if (doc.problem !== undefined)
        out.problems.push({ file, document: doc.document, ...doc.problem });
      else out.documents.push({ file, document: doc.document, value: doc.value });
    }
  }
  return out;
}
