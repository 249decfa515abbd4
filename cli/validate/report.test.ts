import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { error, warning } from '../../api/common/index.ts';
import { escapeForLine } from '../../api/common/index.ts';
import { inFileOrder, writeJson, writeText, type ReportEntry } from './report.ts';

/** A stream that keeps what it is given (or only counts it). */
function sink(keep = true): Writable & { text: () => string; chars: () => number } {
  const parts: string[] = [];
  let chars = 0;
  const w = new Writable({
    write(chunk: Buffer, _enc, done) {
      chars += chunk.length;
      if (keep) parts.push(chunk.toString());
      done();
    },
  });
  return Object.assign(w, { text: () => parts.join(''), chars: () => chars });
}

const entry = (over: Partial<ReportEntry>): ReportEntry => ({
  file: 'f.yaml',
  document: 1,
  kind: 'Pod',
  namespace: 'default',
  name: 'p',
  errors: [],
  warnings: [],
  ...over,
});

describe('text output', () => {
  it('keeps one line per finding whatever the names, paths and fields hold', async () => {
    const out = sink();
    const forged = 'x\nf.yaml:1 Pod/default/ok: error: spec: \u001b[31mforged\u001b[0m';
    await writeText(
      {
        findings: [],
        entries: [
          entry({
            file: 'dir\nname\u202e.yaml',
            name: forged,
            namespace: 'ns\u0007',
            errors: [error('metadata.annotations[a\nb]', 'bad\r\nvalue', 'fix\u001b[2J it')],
          }),
        ],
      },
      out,
    );
    const text = out.text();
    expect(text.split('\n')).toHaveLength(2); // one line and the final newline
    expect(text.slice(0, -1)).not.toMatch(/[\p{Cc}\u202e]/u);
    expect(text).toBe(
      'dir\\nname\\u202e.yaml:1 Pod/"ns\\u0007"/"x\\nf.yaml:1 Pod/default/ok: error: spec: \\u001b[31mforged\\u001b[0m": error: metadata.annotations[a\\nb]: bad\\r\\nvalue; fix: fix\\u001b[2J it\n',
    );
  });

  it('prints names that look like names as they are', async () => {
    const out = sink();
    await writeText({ entries: [entry({ warnings: [warning('spec', 'w')] })], findings: [] }, out);
    expect(out.text()).toBe('f.yaml:1 Pod/default/p: warning: spec: w\n');
  });

  it('escapes only what a terminal would act on', () => {
    expect(escapeForLine('plain text, ünïcødé 名前 ok')).toBe('plain text, ünïcødé 名前 ok');
    expect(escapeForLine('a\tb\u200bc\u{e0001}')).toBe('a\\tb\\u200bc\\u{e0001}');
  });

  it('writes more than the longest string V8 can hold without building it', async () => {
    // 300,000 findings of 2,000 characters: ~620 M characters, past V8's ~537 M string limit.
    const message = 'm'.repeat(2000);
    const errors = Array.from({ length: 1000 }, () => error('spec', message));
    const entries = Array.from({ length: 300 }, (_, i) => entry({ name: `p${i}`, errors }));
    const out = sink(false);
    await writeText({ entries, findings: [] }, out);
    expect(out.chars()).toBeGreaterThan(2 ** 29);
  }, 60_000);

  it('waits for a slow reader instead of buffering everything', async () => {
    let maxBuffered = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(_chunk, _enc, done) {
        maxBuffered = Math.max(maxBuffered, slow.writableLength);
        setImmediate(done);
      },
    });
    const errors = Array.from({ length: 20_000 }, (_, i) => error('spec', `finding ${i}`));
    await writeText({ entries: [entry({ errors })], findings: [] }, slow);
    expect(maxBuffered).toBeLessThan(200 * 1024);
  });
});

describe('JSON output', () => {
  it('is exactly the pretty-printed document, with fix as its own field', async () => {
    const entries = [
      entry({
        errors: [error('spec', 'broken', 'mend it'), error('spec.x', 'no fix')],
        warnings: [warning('metadata', 'hmm')],
      }),
      entry({ document: 2, name: 'q\n' }),
    ];
    const out = sink();
    await writeJson({ entries, findings: [warning('', 'left out 3 findings')] }, out);
    const expected = {
      errors: [],
      warnings: [{ field: '', message: 'left out 3 findings' }],
      results: [
        {
          file: 'f.yaml',
          document: 1,
          kind: 'Pod',
          namespace: 'default',
          name: 'p',
          errors: [
            { field: 'spec', message: 'broken', fix: 'mend it' },
            { field: 'spec.x', message: 'no fix' },
          ],
          warnings: [{ field: 'metadata', message: 'hmm' }],
        },
        {
          file: 'f.yaml',
          document: 2,
          kind: 'Pod',
          namespace: 'default',
          name: 'q\n',
          errors: [],
          warnings: [],
        },
      ],
    };
    expect(out.text()).toBe(`${JSON.stringify(expected, null, 2)}\n`);
    const none = sink();
    await writeJson({ entries: [], findings: [] }, none);
    expect(none.text()).toBe(
      `${JSON.stringify({ errors: [], warnings: [], results: [] }, null, 2)}\n`,
    );
  });
});

describe('inFileOrder', () => {
  it('puts reader problems among the object reports by file, then document', () => {
    const reports = [entry({ file: 'b', document: 2 }), entry({ file: 'a', document: 3 })];
    const problems = [{ file: 'a', document: 1, message: 'not UTF-8', fix: 'save as UTF-8' }];
    const ordered = inFileOrder(reports, problems, ['a', 'b']);
    expect(ordered.map((e) => `${e.file}:${e.document}`)).toEqual(['a:1', 'a:3', 'b:2']);
    expect(ordered[0]?.errors).toEqual([error('(document)', 'not UTF-8', 'save as UTF-8')]);
  });
});
