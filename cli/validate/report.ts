// Formats `plexus validate` results: one line per finding for people and
// pre-commit hooks, or one JSON document for pipelines.
import type { Finding } from '../../api/common/index.ts';
import type { ObjectReport } from '../../api/validate/index.ts';

function messageOf(f: Finding): string {
  return f.fix === undefined ? f.message : `${f.message}; fix: ${f.fix}`;
}

function objectRef(r: ObjectReport): string {
  if (r.kind === '') return '(unparsed)';
  return `${r.kind}/${r.namespace === '' ? '' : `${r.namespace}/`}${r.name === '' ? '(unnamed)' : r.name}`;
}

export function formatText(reports: readonly ObjectReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    const head = `${r.file}:${r.document} ${objectRef(r)}`;
    for (const f of r.errors) lines.push(`${head}: error: ${f.field}: ${messageOf(f)}`);
    for (const f of r.warnings) lines.push(`${head}: warning: ${f.field}: ${messageOf(f)}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export function formatJson(reports: readonly ObjectReport[]): string {
  const out = {
    results: reports.map((r) => ({
      file: r.file,
      document: r.document,
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      errors: r.errors.map((f) => ({ field: f.field, message: messageOf(f) })),
      warnings: r.warnings.map((f) => ({ field: f.field, message: messageOf(f) })),
    })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

export function summary(reports: readonly ObjectReport[]): {
  objects: number;
  errors: number;
  warnings: number;
} {
  let errors = 0;
  let warnings = 0;
  for (const r of reports) {
    errors += r.errors.length;
    warnings += r.warnings.length;
  }
  return { objects: reports.length, errors, warnings };
}
