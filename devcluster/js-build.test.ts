import { describe, expect, it } from 'vitest';
import { renameImports } from './js-build.ts';

describe('renameImports', () => {
  it('renames relative .ts specifiers of static and dynamic imports and re-exports, and nothing else', () => {
    const src = [
      "import { a } from './a.ts';",
      "export { b } from '../x/b.ts';",
      "const c = await import('./c.ts');",
      "import x from 'pkg/file.ts';",
      "import y from 'node:fs';",
      "const s = 'not an import: ./d.ts';",
    ].join('\n');
    expect(renameImports(src).split('\n')).toEqual([
      "import { a } from './a.js';",
      "export { b } from '../x/b.js';",
      "const c = await import('./c.js');",
      "import x from 'pkg/file.ts';",
      "import y from 'node:fs';",
      "const s = 'not an import: ./d.ts';",
    ]);
  });
});
