// Cuts a YAML stream into documents the way kubectl does (k8s.io/apimachinery's
// YAMLReader), before any YAML parsing: a line that starts with `---` ends a
// document, and only a comment may follow the dashes. Because the cut is made
// on lines, a broken quote in one document can never swallow the next one.

export type YamlFrame =
  | { kind: 'document'; line: number; bytes: Uint8Array }
  /** A `---` line followed by something other than a comment: kubectl stops there. */
  | { kind: 'bad-separator'; line: number; after: string };

const DASH = 0x2d;
const NEWLINE = 0x0a;
const GO_SPACE_EDGES =
  /^[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
const lenientUtf8 = new TextDecoder('utf-8');

/** Documents of `bytes`; `firstLine` is the file line `bytes` starts at. */
export function* yamlFrames(bytes: Uint8Array, firstLine = 1): Generator<YamlFrame> {
  let docStart = 0;
  let docLine = firstLine;
  let line = firstLine;
  let pos = 0;
  while (pos < bytes.length) {
    let eol = bytes.indexOf(NEWLINE, pos);
    if (eol < 0) eol = bytes.length;
    if (bytes[pos] === DASH && bytes[pos + 1] === DASH && bytes[pos + 2] === DASH) {
      const after = lenientUtf8.decode(bytes.subarray(pos + 3, eol)).replace(GO_SPACE_EDGES, '');
      if (pos > docStart)
        yield { kind: 'document', line: docLine, bytes: bytes.subarray(docStart, pos) };
      if (after !== '' && !after.startsWith('#')) yield { kind: 'bad-separator', line, after };
      docStart = eol + 1;
      docLine = line + 1;
    }
    pos = eol + 1;
    line++;
  }
  if (docStart < bytes.length) {
    yield { kind: 'document', line: docLine, bytes: bytes.subarray(docStart) };
  }
}
