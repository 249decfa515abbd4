import { afterEach, describe, expect, it, vi } from 'vitest';
import { READ_LIMITS } from '../read-manifests.ts';
import { readDocuments, type ReadDocument } from './index.ts';

const read = (text: string | Uint8Array): ReadDocument[] =>
  readDocuments(typeof text === 'string' ? Buffer.from(text) : text, READ_LIMITS);
const values = (docs: ReadDocument[]) =>
  docs.filter((d) => d.problem === undefined).map((d) => d.value);
const problems = (docs: ReadDocument[]) =>
  docs.flatMap((d) => (d.problem === undefined ? [] : [d.problem.message]));

const NAD_SHALLOW_QUOTE = [
  'apiVersion: k8s.cni.cncf.io/v1',
  'kind: NetworkAttachmentDefinition',
  'metadata:',
  '  name: macvlan-conf',
  'spec:',
  "  config: '{",
  '      "cniVersion": "0.3.1",',
  '      "type": "macvlan",',
  '      "master": "eth0"',
  "  }'",
].join('\n');

describe('readDocuments reads YAML as kubectl does', () => {
  it("accepts multi-line single quotes closed at the key's indent (the common NAD style), and reads on past ---", () => {
    const docs = read(
      `${NAD_SHALLOW_QUOTE}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n`,
    );
    expect(problems(docs)).toEqual([]);
    expect(values(docs)).toEqual([
      {
        apiVersion: 'k8s.cni.cncf.io/v1',
        kind: 'NetworkAttachmentDefinition',
        metadata: { name: 'macvlan-conf' },
        spec: { config: '{ "cniVersion": "0.3.1", "type": "macvlan", "master": "eth0" }' },
      },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } },
    ]);
  });

  it('keeps a broken quote inside its own document: the next one is still read', () => {
    const docs = read("a: 'never closed\nb: 1\n---\nc: 2\n");
    expect(docs.map((d) => d.document)).toEqual([1, 2]);
    expect(docs[0]?.problem?.message).toMatch(/^line \d+, column \d+: malformed YAML: /);
    expect(docs[1]?.value).toEqual({ c: 2 });
  });

  it('applies << merge keys, in go-yaml order (a later merge overrides an earlier key)', () => {
    const docs = read(
      [
        'base: &b {k8s.v1.cni.cncf.io/networks: "Bad_Name", x: 1}',
        'merged: {<<: *b, x: 2}',
        'early: {x: 3, <<: *b}',
        'list: {<<: [{x: 4}, *b]}',
      ].join('\n'),
    );
    expect(values(docs)).toEqual([
      {
        base: { 'k8s.v1.cni.cncf.io/networks': 'Bad_Name', x: 1 },
        merged: { 'k8s.v1.cni.cncf.io/networks': 'Bad_Name', x: 2 },
        early: { 'k8s.v1.cni.cncf.io/networks': 'Bad_Name', x: 1 },
        list: { 'k8s.v1.cni.cncf.io/networks': 'Bad_Name', x: 4 },
      },
    ]);
  });

  it('reads YAML 1.1 scalars: 010 is 8, yes/on/off are booleans, 1:20 stays text', () => {
    expect(
      values(read('vni: 010\nport: 0x2118\na: yes\nb: on\nc: Off\nd: 1:20\ne: "010"\n')),
    ).toEqual([{ vni: 8, port: 8472, a: true, b: true, c: false, d: '1:20', e: '010' }]);
  });

  it('turns YAML 1.1 boolean and number keys into strings as sigs.k8s.io/yaml does', () => {
    expect(values(read('on: 1\ny: 2\n010: 3\n1.5: 4\n.inf: 5\n'))).toEqual([
      { true: 2, '8': 3, '1.5': 4, '.inf': 5 },
    ]);
  });

  it('fails where kubectl fails to convert: .inf as a value, null or huge numbers as keys', () => {
    expect(problems(read('a: .inf\n'))).toEqual([
      expect.stringMatching(/"\.inf" is not a number JSON can hold/),
    ]);
    expect(problems(read('~: 1\n'))).toEqual([expect.stringMatching(/map key is null/)]);
    expect(problems(read('18446744073709551615: 1\n'))).toHaveLength(1);
  });

  it('reads a key named __proto__ as data', () => {
    const [doc] = values(read('__proto__: {polluted: true}\n'));
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(Object.keys(doc as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('skips empty and null documents without numbering them, and ignores what follows "..." as kubectl does', () => {
    const docs = read('# header only\n---\n---\na: 1\n...\nignored: [\n---\n~\n---\nb: 2\n');
    expect(docs).toEqual([
      { document: 1, value: { a: 1 } },
      { document: 2, value: { b: 2 } },
    ]);
  });

  it('reports a "---" line followed by content (kubectl fails there) and reads the documents after it', () => {
    const docs = read('a: 1\n--- {b: 2}\nc: 3\n');
    expect(problems(docs)).toEqual([
      expect.stringMatching(/^line 2: .*only a comment after a document separator/),
    ]);
    expect(values(docs)).toEqual([{ a: 1 }, { c: 3 }]);
  });

  it('reads a JSON stream, and falls back to YAML for the rest as kubectl does', () => {
    expect(values(read('{"a": 1}\n{"b": [1, {"c": "}"}]}\n'))).toEqual([
      { a: 1 },
      { b: [1, { c: '}' }] },
    ]);
    // Not JSON (a trailing comma): kubectl reads it as YAML, where it is fine.
    expect(values(read('{"a": 1,}\n'))).toEqual([{ a: 1 }]);
    expect(values(read('{"a": 1}\n---\nb: 2\n'))).toEqual([{ a: 1 }, { b: 2 }]);
    // After two good JSON values a bad one fails the file.
    expect(problems(read('{"a": 1}\n{"b": 2}\n{"c": 3,}\n'))).toEqual([
      expect.stringMatching(/^line 3: malformed JSON/),
    ]);
  });
});

describe('readDocuments refuses what is not UTF-8 YAML text, and says so', () => {
  it('rejects invalid UTF-8 instead of replacing it, naming the place; later documents are still read', () => {
    const docs = read(
      Buffer.concat([
        Buffer.from('a: 1\nb: "'),
        Buffer.from([0xff]),
        Buffer.from('"\n---\nc: 2\n'),
      ]),
    );
    expect(docs[0]?.problem?.message).toBe(
      'line 2, column 5: is not UTF-8 text: byte 0xff is not valid UTF-8 there',
    );
    expect(docs[1]?.value).toEqual({ c: 2 });
  });

  it('names UTF-16 files (with or without a byte order mark) and binary files', () => {
    const utf16 = Buffer.from('\ufeffapiVersion: v1\nkind: Pod\n', 'utf16le');
    expect(problems(read(utf16))).toEqual([expect.stringMatching(/is UTF-16 text.*not UTF-8/)]);
    const bare = Buffer.from('apiVersion: v1\n', 'utf16le');
    expect(problems(read(bare))).toEqual([expect.stringMatching(/not UTF-8 text.*UTF-16/)]);
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48,
    ]);
    expect(problems(read(png))).toEqual([
      expect.stringMatching(/not UTF-8 text.*NUL byte.*binary/),
    ]);
  });

  it('rejects control characters as go-yaml does, even in comments', () => {
    expect(problems(read('# bell \u0007\na: 1\n'))).toEqual([
      expect.stringMatching(/^line 1, column 8: has control character U\+0007/),
    ]);
  });
});

describe('readDocuments stays within its limits and says which one', () => {
  it('stops at 1,000 levels of nesting with a message that says so (not "malformed")', () => {
    for (const depth of [1001, 100_000]) {
      const [p] = problems(read(`a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`));
      expect(p).toMatch(/nests deeper than 1000 levels/);
      expect(p).not.toMatch(/malformed/);
    }
    expect(problems(read(`${'['.repeat(999)}${']'.repeat(999)}\n`))).toEqual([]);
  });

  it('counts nesting with aliases expanded', () => {
    const deep = `${'['.repeat(600)}${']'.repeat(600)}`;
    expect(problems(read(`a: &a ${deep}\nb: ${'['.repeat(600)}*a${']'.repeat(600)}\n`))).toEqual([
      expect.stringMatching(/nests deeper than 1000 levels \(counting expanded aliases\)/),
    ]);
  });

  it('refuses an alias bomb: one Pod aliased 1,000 times in a List', () => {
    const networks = Array.from({ length: 27_000 }, (_, i) => `net${i}`).join(',');
    const text = `kind: List\nitems:\n- &p\n  kind: Pod\n  metadata: {annotations: {k8s.v1.cni.cncf.io/networks: "${networks}"}}\n${'- *p\n'.repeat(1000)}`;
    expect(text.length).toBeLessThan(250_000);
    expect(problems(read(text))).toEqual([
      expect.stringMatching(
        /expanding its aliases \(\*name\) would make the file larger than 16777216 bytes/,
      ),
    ]);
  });

  it('refuses a billion laughs, and a merge-key bomb, without building them', () => {
    const laughs = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++)
      laughs.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    expect(problems(read(laughs.join('\n')))).toEqual([
      expect.stringMatching(/expanding its aliases/),
    ]);
    const keys = Array.from({ length: 10_000 }, (_, i) => `k${i}: 0`).join(', ');
    const merges = `a: &a {${keys}}\nl:\n${'- {<<: *a}\n'.repeat(10_000)}`;
    expect(problems(read(merges))).toEqual([
      expect.stringMatching(/merge keys \(<<\) copy more than 100000 keys/),
    ]);
  });

  it('lets ordinary aliases through, counting them once per use', () => {
    expect(values(read('env: &env [{name: A, value: "1"}]\nfirst: *env\nsecond: *env\n'))).toEqual([
      {
        env: [{ name: 'A', value: '1' }],
        first: [{ name: 'A', value: '1' }],
        second: [{ name: 'A', value: '1' }],
      },
    ]);
  });
});

describe('readDocuments writes nothing to stderr', () => {
  afterEach(() => vi.restoreAllMocks());

  it('on input that made the previous YAML library warn (collection keys, directives, duplicates)', () => {
    const warn = vi.spyOn(process, 'emitWarning');
    const err = vi.spyOn(process.stderr, 'write');
    read('%YAML 1.1\n%FOO bar\n---\n[a, b]: c\n? {x: 1}\n: d\na: 1\na: 2\n');
    expect(warn).not.toHaveBeenCalled();
    expect(err).not.toHaveBeenCalled();
  });
});
