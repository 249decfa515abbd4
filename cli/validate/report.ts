// Formats `plexus validate` results: one line per finding for people and
// pre-commit hooks, or one JSON document for pipelines. Both are written in
// pieces with backpressure, never as one string, so millions of findings
// cannot exhaust memory; and every name, path and message is escaped, so no
// manifest can forge an output line or colour the terminal.
import { error, escapeForLine, findingLine, type Finding } from '../../api/common/index.ts';
import type { ObjectReport } from '../../api/validate/index.ts';
import type { ReaderProblem } from './read-manifests.ts';

/** What one output entry holds: an object's findings, or a document that could not be read. */
export type ReportEntry = Pick<
  ObjectReport,
  'file' | 'document' | 'kind' | 'namespace' | 'name' | 'errors' | 'warnings'
>;

/** Everything one run reports: per-object entries, and findings about no
 * object (what the caps left out, bad options). */
export interface Report {
  entries: readonly ReportEntry[];
  findings: readonly Finding[];
}

/** Reader problems interleaved with the object reports by file, then document. */
export function inFileOrder(
  reports: readonly ReportEntry[],
  problems: readonly ReaderProblem[],
  files: readonly string[],
): ReportEntry[] {
  const rank = new Map(files.map((f, i) => [f, i]));
  const entries: ReportEntry[] = [...reports];
  for (const p of problems) {
    entries.push({
      file: p.file,
      document: p.document,
      kind: '',
      namespace: '',
      name: '',
      errors: [error('(document)', p.message, p.fix)],
      warnings: [],
    });
  }
  // A stable sort keeps the objects of one document (a List's items) in order.
  return entries.sort(
    (a, b) => (rank.get(a.file) ?? 0) - (rank.get(b.file) ?? 0) || a.document - b.document,
  );
}

const PLAIN_NAME = /^[A-Za-z0-9._-]+$/;

/** A kind, namespace or name: as is when it looks like one, else quoted and escaped. */
function namePart(s: string): string {
  return PLAIN_NAME.test(s)
    ? s
    : `"${escapeForLine(s.replaceAll('\\', '\\\\').replaceAll('"', '\\"'))}"`;
}

function objectRef(r: ReportEntry): string {
  if (r.kind === '') return '(unparsed)';
  const ns = r.namespace === '' ? '' : `${namePart(r.namespace)}/`;
  return `${namePart(r.kind)}/${ns}${r.name === '' ? '(unnamed)' : namePart(r.name)}`;
}

function* textLines(report: Report): Generator<string> {
  for (const f of report.findings) {
    yield `${f.severity}: ${findingLine(f)}\n`;
  }
  for (const r of report.entries) {
    const head = `${escapeForLine(r.file)}:${r.document} ${objectRef(r)}`;
    for (const [severity, list] of [
      ['error', r.errors],
      ['warning', r.warnings],
    ] as const) {
      for (const f of list) {
        yield `${head}: ${severity}: ${findingLine(f)}\n`;
      }
    }
  }
}

/** `FILE:DOC KIND/NAMESPACE/NAME: error|warning: FIELD: MESSAGE[; fix: FIX]`, one line each;
 * findings about no object first, as `error|warning: FIELD: MESSAGE`. */
export async function writeText(report: Report, out: NodeJS.WritableStream): Promise<void> {
  await writePieces(out, textLines(report));
}

function indent(json: string, by: string): string {
  return json.replaceAll('\n', `\n${by}`);
}

interface JsonList {
  name: string;
  list: readonly Finding[];
  /** Indentation of the key. */
  pad: string;
  last: boolean;
}

function* findingsJson({ name, list, pad, last }: JsonList): Generator<string> {
  const end = last ? '' : ',';
  if (list.length === 0) {
    yield `${pad}"${name}": []${end}\n`;
    return;
  }
  yield `${pad}"${name}": [\n`;
  for (let i = 0; i < list.length; i++) {
    const f = list[i] as Finding;
    const item =
      f.fix === undefined
        ? { field: f.field, message: f.message }
        : { field: f.field, message: f.message, fix: f.fix };
    yield `${pad}  ${indent(JSON.stringify(item, null, 2), `${pad}  `)}${i === list.length - 1 ? '' : ','}\n`;
  }
  yield `${pad}]${end}\n`;
}

function* jsonPieces(report: Report): Generator<string> {
  const { entries } = report;
  yield '{\n';
  const errors = report.findings.filter((f) => f.severity === 'error');
  const warnings = report.findings.filter((f) => f.severity === 'warning');
  yield* findingsJson({ name: 'errors', list: errors, pad: '  ', last: false });
  yield* findingsJson({ name: 'warnings', list: warnings, pad: '  ', last: false });
  if (entries.length === 0) {
    yield '  "results": []\n}\n';
    return;
  }
  yield '  "results": [\n';
  for (let i = 0; i < entries.length; i++) {
    const r = entries[i] as ReportEntry;
    const head = {
      file: r.file,
      document: r.document,
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
    };
    yield `    ${indent(JSON.stringify(head, null, 2).slice(0, -2), '    ')},\n`;
    yield* findingsJson({ name: 'errors', list: r.errors, pad: '      ', last: false });
    yield* findingsJson({ name: 'warnings', list: r.warnings, pad: '      ', last: true });
    yield `    }${i === entries.length - 1 ? '' : ','}\n`;
  }
  yield '  ]\n}\n';
}

/** `{"errors", "warnings", "results": [{file, document, kind, namespace, name, errors,
 * warnings}]}`: the top-level lists hold findings about no object; each finding is
 * `{field, message, fix?}`. */
export async function writeJson(report: Report, out: NodeJS.WritableStream): Promise<void> {
  await writePieces(out, jsonPieces(report));
}

export function summary(report: Report): {
  objects: number;
  errors: number;
  warnings: number;
} {
  let errors = 0;
  let warnings = 0;
  for (const f of report.findings) {
    if (f.severity === 'error') errors++;
    else warnings++;
  }
  const entries = report.entries;
  for (const r of entries) {
    errors += r.errors.length;
    warnings += r.warnings.length;
  }
  return { objects: entries.length, errors, warnings };
}

const BATCH = 64 * 1024;

/** Writes pieces in batches, waiting whenever the stream asks for a pause. */
async function writePieces(out: NodeJS.WritableStream, pieces: Iterable<string>): Promise<void> {
  let batch = '';
  for (const piece of pieces) {
    batch += piece;
    if (batch.length >= BATCH) {
      await writeOne(out, batch);
      batch = '';
    }
  }
  if (batch !== '') await writeOne(out, batch);
}

function writeOne(out: NodeJS.WritableStream, s: string): Promise<void> {
  if (out.write(s)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (e?: unknown) => {
      out.off('drain', done);
      out.off('error', done);
      out.off('close', done);
      if (e instanceof Error) reject(e);
      else resolve();
    };
    out.on('drain', done);
    out.on('error', done);
    out.on('close', done);
  });
}
