// The README and the docs link only to files inside the repository that exist
// (web addresses aside): a reader of a clone never meets a dead or outside link.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const docs = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
  ...['e2e/README.md'].filter((f) => existsSync(join(root, f))),
];

/** Targets of Markdown links `[text](target)` that are not web or mail addresses or in-page anchors. */
function localLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((t) => !/^(https?:|mailto:|#)/.test(t))
    .map((t) => t.replace(/#.*$/, ''));
}

describe('documentation links', () => {
  it('finds the local links of a page', () => {
    expect(localLinks('[a](docs/x.md) [b](https://go.dev) [c](#top) [d](../y.md#s)')).toEqual([
      'docs/x.md',
      '../y.md',
    ]);
  });

  it.each(docs)('%s links only to files inside the repository', (doc) => {
    const bad = localLinks(readFileSync(join(root, doc), 'utf8')).filter((target) => {
      const path = resolve(root, dirname(doc), target);
      return relative(root, path).startsWith('..') || !existsSync(path);
    });
    expect(bad).toEqual([]);
  });
});
