// devcluster/ is product code that `plexus dev` and e2e/ both import: its
// modules (not its tests) must not reach into the CLI, the tests, or vitest.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : modules(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Import specifiers of a module: static `from '…'`, side-effect `import '…'` and dynamic `import('…')`. */
function importSpecifiers(source: string): string[] {
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;
  return [...source.matchAll(re)].map((m) => m[1] ?? '');
}

/** Why an import is not allowed in devcluster/, or undefined when it is. */
function forbidden(file: string, spec: string): string | undefined {
  if (spec === 'vitest' || spec.startsWith('vitest/')) return 'vitest';
  if (!spec.startsWith('.')) return undefined;
  const target = relative(root, resolve(dirname(file), spec));
  const top = target.split('/')[0];
  return top === 'e2e' || top === 'cli' ? `${top}/` : undefined;
}

describe('devcluster layering', () => {
  it('finds imports in every form', () => {
    expect(
      importSpecifiers(
        `import a from 'x';\nimport type { B } from "../e2e/y.ts";\nimport 'z';\nawait import('w');`,
      ),
    ).toEqual(['x', '../e2e/y.ts', 'z', 'w']);
  });

  it('no devcluster module imports vitest, e2e/ or cli/', () => {
    const bad: string[] = [];
    for (const file of modules(here)) {
      for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
        const why = forbidden(file, spec);
        if (why) bad.push(`${relative(root, file)} imports ${spec} (${why})`);
      }
    }
    expect(bad).toEqual([]);
  });
});
