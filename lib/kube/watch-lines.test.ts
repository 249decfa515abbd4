// Lines are split across arbitrary chunk borders (inside multi-byte characters too), and a line
// over the limit is an error rather than an ever-growing buffer.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines, LineTooLongError } from './watch-lines.ts';

async function collect(chunks: Buffer[], max = 1024): Promise<string[]> {
  const out: string[] = [];
  for await (const l of readLines(Readable.from(chunks), max)) out.push(l);
  return out;
}

describe('readLines', () => {
  it('splits across chunk borders, including inside a UTF-8 character', async () => {
    const text = Buffer.from('{"a":"é"}\n{"b":2}\n\n{"c":"€"}\npartial');
    const chunks = [...text].map((b) => Buffer.from([b]));
    expect(await collect(chunks)).toEqual(['{"a":"é"}', '{"b":2}', '{"c":"€"}']);
  });

  it('fails on a line over the limit, whether or not it ends', async () => {
    await expect(collect([Buffer.alloc(2000, 'x')], 1024)).rejects.toBeInstanceOf(LineTooLongError);
    await expect(
      collect([Buffer.alloc(600, 'x'), Buffer.alloc(600, 'y'), Buffer.from('\n')], 1024),
    ).rejects.toThrow(/exceeds 1024 bytes; raise the informer's maxEventBytes/);
    expect(await collect([Buffer.alloc(1024, 'x'), Buffer.from('\nok\n')], 1024)).toHaveLength(2);
  });
});
