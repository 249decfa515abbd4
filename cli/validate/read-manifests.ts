// Reads manifest files for `plexus validate`: files, directories (recursive,
// .yaml/.yml/.json) and `-` for stdin; every YAML document becomes one
// ManifestDocument, a malformed one carries its parser message instead of
// stopping the run.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ManifestDocument } from '../../api/validate/index.ts';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
/** Larger inputs are refused: no sane manifest file is this big, and YAML
 * alias expansion on a hostile file must not exhaust memory. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export class InputError extends Error {}

export async function collectFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    if (p === '-') {
      files.push('-');
      continue;
    }
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      throw new InputError(
        `cannot read ${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
      );
    }
    if (st.isDirectory()) files.push(...(await walk(p)));
    else files.push(p);
  }
  return files;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) out.push(...(await walk(full)));
    } else if (e.isFile() && MANIFEST_EXTENSIONS.some((ext) => e.name.endsWith(ext))) {
      out.push(full);
    }
  }
  return out;
}

export async function readText(
  file: string,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stdin) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += buf.length;
      if (size > MAX_FILE_BYTES)
        throw new InputError(`stdin is larger than ${MAX_FILE_BYTES} bytes`);
      chunks.push(buf);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    const st = await stat(file);
    if (st.size > MAX_FILE_BYTES)
      throw new InputError(`${file} is larger than ${MAX_FILE_BYTES} bytes`);
    return await readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

/** Splits a file into documents. JSON is YAML, so one parser serves both. */
export function parseDocuments(file: string, text: string): ManifestDocument[] {
  const docs: ManifestDocument[] = [];
  let n = 0;
  for (const doc of parseAllDocuments(text, { prettyErrors: false })) {
    n++;
    const displayName = file === '-' ? '<stdin>' : file;
    if (doc.errors.length > 0) {
      const first = doc.errors[0];
      const pos = first?.linePos?.[0];
      const where = pos !== undefined ? `line ${pos.line}, column ${pos.col}: ` : '';
      docs.push({
        file: displayName,
        document: n,
        parseError: `${where}${first?.message.split('\n')[0] ?? 'unknown error'}`,
      });
      continue;
    }
    // An empty document (a stray `---`) is not an object: nothing to check.
    if (doc.contents === null) continue;
    try {
      docs.push({ file: displayName, document: n, value: doc.toJS({ maxAliasCount: 1000 }) });
    } catch (e) {
      docs.push({ file: displayName, document: n, parseError: (e as Error).message });
    }
  }
  return docs;
}
