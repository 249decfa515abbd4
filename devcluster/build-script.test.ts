import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScriptOutput, runBuildScript } from './build-script.ts';

const dir = mkdtempSync(join(tmpdir(), 'plexus-build-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `set -euo pipefail\n${body}\n`);
  return path;
}

describe('parseScriptOutput', () => {
  it('reads NAME=value lines and ignores the rest', () => {
    const m = parseScriptOutput('noise\nKUBECTL_BIN=/a/b=c\n  ETCD_BIN=/e  \nlower=x\n');
    expect(m.get('KUBECTL_BIN')).toBe('/a/b=c');
    expect(m.get('ETCD_BIN')).toBe('/e');
    expect(m.has('lower')).toBe(false);
  });
});

describe('runBuildScript', () => {
  it('passes progress lines on as they come and returns the NAME=value lines', async () => {
    const lines: string[] = [];
    const vars = await runBuildScript(
      script('ok.sh', 'echo "step 1" >&2; echo "A_DIR=$1"; printf "step 2" >&2'),
      ['/x y'],
      { env: process.env, progress: (l) => lines.push(l), what: 'ok' },
    );
    expect(lines).toEqual(['step 1']);
    expect(vars.get('A_DIR')).toBe('/x y');
  });

  it('rejects with what failed, the exit code and the last stderr lines', async () => {
    const body = 'for i in $(seq 1 60); do echo "line $i" >&2; done; echo "no newline" >&2; exit 3';
    const err = runBuildScript(script('fail.sh', body), [], {
      env: process.env,
      progress: () => {},
      what: 'building the thing',
    });
    await expect(err).rejects.toThrow(
      /^building the thing failed \(exit 3\):\nline 22\n[^]*line 60\nno newline$/,
    );
  });
});
