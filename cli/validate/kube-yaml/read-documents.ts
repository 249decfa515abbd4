// Reads one manifest file's bytes into documents exactly as kubectl would
// read them (JSON stream or `---`-separated YAML 1.1 via go-yaml's rules),
// within limits: a document that cannot be read becomes a problem naming
// what is wrong and where, and the documents after it are still read.
import { load, type LoadOptions, type YAMLException } from 'js-yaml';
import { GO_YAML_SCHEMA } from './go-yaml-schema.ts';
import { looksLikeJson, readJsonStream } from './json-stream.ts';
import { quoteShort } from './quote-short.ts';
import { DocumentProblem, resolveDocument, type ExpansionBudget } from './resolve-document.ts';
import { controlCharacterProblem, decodeUtf8, sniffEncoding } from './text-encoding.ts';
import { yamlFrames, type YamlFrame } from './yaml-frames.ts';

export interface ReadLimits {
  /** Largest file, and largest a file may grow when its aliases are expanded. */
  maxBytes: number;
  /** Deepest nesting of maps and lists, aliases expanded. */
  maxDepth: number;
  /** Most keys that merge keys (`<<`) may copy in one file. */
  maxMergedKeys: number;
}

export interface DocumentProblemReport {
  message: string;
  fix: string;
}

export interface ReadDocument {
  /** 1-based position among the file's documents that are not empty. */
  document: number;
  /** The value kubectl would send (JSON data); absent when there is a problem. */
  value?: unknown;
  problem?: DocumentProblemReport;
}

const JSON_SNIFF_BYTES = 4096;
const lenientUtf8 = new TextDecoder('utf-8');

export function readDocuments(bytes: Uint8Array, limits: ReadLimits): ReadDocument[] {
  const reader = new DocumentReader(limits);
  const encoding = sniffEncoding(bytes);
  if (encoding !== undefined) {
    reader.problem(at(encoding.line, encoding.column, encoding.message), encoding.fix);
    return reader.documents;
  }
  if (looksLikeJson(lenientUtf8.decode(bytes.subarray(0, JSON_SNIFF_BYTES)))) {
    reader.readJson(bytes);
  } else {
    reader.readYaml(bytes, 1);
  }
  return reader.documents;
}

function at(line: number | undefined, column: number | undefined, message: string): string {
  if (line === undefined) return message;
  return `line ${line}${column === undefined ? '' : `, column ${column}`}: ${message}`;
}

class DocumentReader {
  readonly documents: ReadDocument[] = [];
  readonly #budget: ExpansionBudget;
  readonly #options: LoadOptions;

  constructor(limits: ReadLimits) {
    this.#budget = {
      remaining: limits.maxBytes,
      total: limits.maxBytes,
      maxDepth: limits.maxDepth,
      mergedKeysLeft: limits.maxMergedKeys,
      maxMergedKeys: limits.maxMergedKeys,
    };
    // maxDepth is js-yaml 4.3's own guard; go-yaml stops at 10,000.
    const options: LoadOptions & { maxDepth: number } = {
      schema: GO_YAML_SCHEMA,
      json: true,
      maxDepth: limits.maxDepth,
      onWarning: () => undefined,
    };
    this.#options = options;
  }

  problem(message: string, fix: string): void {
    this.documents.push({ document: this.documents.length + 1, problem: { message, fix } });
  }

  #value(raw: unknown): void {
    try {
      const value = resolveDocument(raw, this.#budget);
      // kubectl skips empty and null documents.
      if (value === null || value === undefined) return;
      this.documents.push({ document: this.documents.length + 1, value });
    } catch (e) {
      if (!(e instanceof DocumentProblem)) throw e;
      this.problem(e.message, e.fix);
    }
  }

  readJson(bytes: Uint8Array): void {
    const decoded = decodeUtf8(bytes);
    if ('problem' in decoded) {
      const p = decoded.problem;
      this.problem(at(p.line, p.column, p.message), p.fix);
      return;
    }
    const text = decoded.text;
    for (const item of readJsonStream(text)) {
      if (item.kind === 'value') this.#value(item.value);
      else if (item.kind === 'error') {
        this.problem(at(lineOf(text, item.offset), undefined, item.message), FIX_SYNTAX);
      } else {
        const rest = Buffer.from(text.slice(item.offset));
        this.readYaml(rest, lineOf(text, item.offset));
      }
    }
  }

  readYaml(bytes: Uint8Array, firstLine: number): void {
    for (const frame of yamlFrames(bytes, firstLine)) this.#readFrame(frame);
  }

  #readFrame(frame: YamlFrame): void {
    if (frame.kind === 'bad-separator') {
      this.problem(
        at(
          frame.line,
          undefined,
          `"---" is followed by ${quoteShort(frame.after)}: kubectl allows only a comment after a document separator`,
        ),
        'put the content on the next line',
      );
      return;
    }
    const decoded = decodeUtf8(frame.bytes);
    if ('problem' in decoded) {
      const p = decoded.problem;
      this.problem(at(shift(frame.line, p.line), p.column, p.message), p.fix);
      return;
    }
    const text = decoded.text.replaceAll('\r\n', '\n');
    const control = controlCharacterProblem(text);
    if (control !== undefined) {
      this.problem(
        at(shift(frame.line, control.line), control.column, control.message),
        control.fix,
      );
      return;
    }
    let raw: unknown;
    try {
      raw = load(firstDocument(text), this.#options);
    } catch (e) {
      this.problem(...this.#loadFailure(e, frame.line));
      return;
    }
    this.#value(raw);
  }

  #loadFailure(e: unknown, firstLine: number): [string, string] {
    if (e instanceof RangeError || /maxDepth/.test((e as Error).message)) {
      return [
        `nests deeper than ${this.#budget.maxDepth} levels; Plexus stops there`,
        'no Kubernetes object nests this deep: check for a runaway generator',
      ];
    }
    const y = e as YAMLException;
    const line = y.mark === undefined ? undefined : firstLine + y.mark.line;
    const column = y.mark === undefined ? undefined : y.mark.column + 1;
    return [at(line, column, `malformed YAML: ${y.reason ?? y.message}`), FIX_SYNTAX];
  }
}

const FIX_SYNTAX = 'fix the syntax of this document';

function shift(frameLine: number, line: number | undefined): number | undefined {
  return line === undefined ? undefined : frameLine + line - 1;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** go-yaml reads only the first document of what kubectl hands it; a second
 * one can start only after a `...` line, and is ignored as kubectl ignores it. */
function firstDocument(text: string): string {
  const end = /^\.\.\.(?:[ \t].*)?$/m.exec(text);
  return end === null ? text : text.slice(0, end.index + end[0].length);
}
