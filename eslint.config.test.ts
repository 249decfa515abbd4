// The lint config holds the architecture: each import zone must fail on a
// deliberately wrong import and pass the right one. Small in-memory fixtures,
// linted with ESLint's Node API as if they sat at the given path.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = dirname(fileURLToPath(import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The rule ids reported for `code` at `file` (relative to the repo root). */
async function rulesAt(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${file}` });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

const importing = (source: string) => `import { x } from '${source}';\nexport const y = x;\n`;

/** [file, import source, whether the zone refuses it] */
const IMPORTS: [string, string, boolean][] = [
  // api/ is pure: no Node built-ins, nothing above it.
  ['api/npwg/a.ts', 'node:fs', true],
  ['api/npwg/a.ts', 'fs', true],
  ['api/common/a.ts', 'node:path', true],
  ['api/npwg/a.ts', '../../lib/log/index.ts', true],
  ['api/overlay/a.ts', '../../operator/index.ts', true],
  ['api/validate/a.ts', '../../cli/main.ts', true],
  ['api/cni/a.ts', '../../devcluster/index.ts', true],
  ['api/crd/a.ts', '../../e2e/context.ts', true],
  ['api/npwg/a.ts', '@sinclair/typebox', false],
  // npwg, cni and overlay meet only in api/common.
  ['api/npwg/a.ts', '../cni/nad-config.ts', true],
  ['api/npwg/a.ts', '../overlay/network-set.ts', true],
  ['api/cni/a.ts', '../npwg/types.ts', true],
  ['api/cni/a.ts', '../overlay/resolved.ts', true],
  ['api/overlay/a.ts', '../npwg/types.ts', true],
  ['api/overlay/a.ts', '../cni/plugin.ts', true],
  ['api/common/a.ts', '../npwg/types.ts', true],
  ['api/net/a.ts', '../common/findings.ts', true],
  ['api/npwg/a.ts', '../common/quote.ts', false],
  ['api/overlay/a.ts', '../resources/overlay-network.ts', false],
  ['api/validate/a.ts', '../npwg/pod-validator.ts', false],
  // Test fixtures are for tests.
  ['api/npwg/a.ts', '../testing/overlay.ts', true],
  ['api/npwg/a.test.ts', '../testing/overlay.ts', false],
  ['api/npwg/a.test.ts', 'node:fs', true],
  // Oracle tests run a Go program of ours, built through devcluster/.
  ['api/net/a.oracle.test.ts', 'node:child_process', false],
  ['api/net/a.oracle.test.ts', '../../devcluster/go-builds.ts', false],
  ['api/net/a.oracle.test.ts', '../../lib/log/index.ts', true],
  ['api/net/a.oracle.test.ts', '../../cli/main.ts', true],
  // Outside api/: only the folder indexes.
  ['cli/validate/a.ts', '../../api/validate/manifests.ts', true],
  ['cli/validate/a.ts', '../../api/validate/index.ts', false],
  ['bench/a.ts', '../api/npwg/types.ts', true],
  ['lib/kube/a.ts', '../../api/resources/overlay-network.ts', true],
  ['lib/kube/a.ts', '../../api/resources/index.ts', false],
  ['e2e/a.e2e.test.ts', '../api/common/findings.ts', true],
  // The running parts share only api/ and lib/.
  ['operator/a.ts', '../webhooks/server.ts', true],
  ['operator/controllers/a.ts', '../../node-plugin/agent.ts', true],
  ['webhooks/a.ts', '../operator/index.ts', true],
  ['webhooks/a.ts', '../node-plugin/index.ts', true],
  ['node-plugin/a.ts', '../operator/index.ts', true],
  ['node-plugin/a.ts', '../webhooks/index.ts', true],
  ['operator/a.ts', '../lib/log/index.ts', false],
  ['webhooks/a.ts', '../api/npwg/index.ts', false],
  ['operator/a.ts', '../devcluster/index.ts', true],
  // lib/ imports no running part.
  ['lib/a.ts', '../operator/index.ts', true],
  ['lib/http/a.ts', '../../webhooks/index.ts', true],
  ['lib/a.ts', '../devcluster/index.ts', true],
  // devcluster/ may run the parts, but imports neither cli/ nor e2e/.
  ['devcluster/a.ts', '../operator/index.ts', false],
  ['devcluster/a.ts', '../cli/main.ts', true],
  ['devcluster/a.ts', '../e2e/context.ts', true],
  // cli/ wires everything, except tests; nothing imports cli/ or e2e/.
  ['cli/a.ts', '../operator/index.ts', false],
  ['cli/a.ts', '../devcluster/index.ts', false],
  ['cli/a.ts', '../e2e/context.ts', true],
  ['bench/a.ts', '../cli/main.ts', true],
  ['scripts/a.ts', '../e2e/context.ts', true],
  ['e2e/a.e2e.test.ts', '../cli/main.ts', true],
  ['e2e/a.e2e.test.ts', '../devcluster/index.ts', false],
];

describe('import zones', () => {
  for (const [file, source, refused] of IMPORTS) {
    it(`${file}: import '${source}' is ${refused ? 'refused' : 'allowed'}`, async () => {
      const rules = await rulesAt(file, importing(source));
      if (refused) expect(rules).toContain('no-restricted-imports');
      else expect(rules).toEqual([]);
    });
  }
});

describe('globals and parameters', () => {
  it('api/ uses neither Buffer nor process', async () => {
    expect(await rulesAt('api/npwg/a.ts', "export const n = Buffer.byteLength('x');\n")).toEqual([
      'no-restricted-globals',
    ]);
    expect(await rulesAt('api/cni/a.ts', 'export const e = process.env.HOME;\n')).toEqual([
      'no-restricted-globals',
    ]);
    expect(await rulesAt('lib/a.ts', 'export const e = process.env.HOME;\n')).toEqual([]);
  });
  it('functions take at most 4 parameters', async () => {
    const five =
      'export function f(a: 1, b: 2, c: 3, d: 4, e: 5): number {\n  return a + b + c + d + e;\n}\n';
    expect(await rulesAt('lib/a.ts', five)).toEqual(['max-params']);
    const four =
      'export function f(a: 1, b: 2, c: 3, d: 4): number {\n  return a + b + c + d;\n}\n';
    expect(await rulesAt('lib/a.ts', four)).toEqual([]);
  });
});
