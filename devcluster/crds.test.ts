import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crdFiles } from './crds.ts';

describe('crdFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plexus-crds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists YAML and JSON manifests sorted, and nothing for a missing dir', () => {
    for (const f of ['b.yaml', 'a.yml', 'c.json', 'crds.test.ts', 'README.md'])
      writeFileSync(join(dir, f), '');
    expect(crdFiles(dir)).toEqual(['a.yml', 'b.yaml', 'c.json'].map((f) => join(dir, f)));
    expect(crdFiles(join(dir, 'missing'))).toEqual([]);
  });
});
