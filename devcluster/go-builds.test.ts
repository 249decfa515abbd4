// scripts/build-go.sh through its resolver, on tiny Go modules written to a temp
// dir and a private cache: builds, cache hits, rebuilds on change, env
// overrides, concurrent callers, failed builds. Needs `go` on PATH.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './proc.ts';
import {
  BUILD_GO_SCRIPT,
  CNI_PLUGINS,
  resolveGoBuild,
  scriptArgs,
  variablePrefix,
} from './go-builds.ts';

const hasGo = (process.env.PATH ?? '')
  .split(delimiter)
  .some((d) => d !== '' && existsSync(join(d, 'go')));

const root = mkdtempSync(join(tmpdir(), 'plexus-go-builds-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cache = join(root, 'cache');
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, PLEXUS_CACHE_DIR: cache, ...extra };
  for (const k of Object.keys(e))
    if (/^(HELLO|MULTI|BROKEN|CNI_PLUGINS)_(BIN|DIR)$/.test(k) && !(k in extra)) delete e[k];
  return e;
};
const quiet = { progress: () => {} };

/** A one-file main module printing `text`. */
function helloModule(dir: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'go.mod'), 'module example.com/hello\n\ngo 1.22\n');
  writeFileSync(
    join(dir, 'main.go'),
    `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(${JSON.stringify(text)}) }\n`,
  );
  return dir;
}

const output = (bin: string): string => execFileSync(bin, { encoding: 'utf8' }).trim();

describe('build-go.sh arguments and variables', () => {
  it('names variables after the build and passes spec fields in order', () => {
    expect(variablePrefix('plexus-shim')).toBe('PLEXUS_SHIM');
    expect(scriptArgs(CNI_PLUGINS)).toEqual(['--', 'cni-plugins']);
    expect(
      scriptArgs({ name: 'x', source: '/m', packages: ['./cmd/...'], ldflags: '-X a=b' }),
    ).toEqual(['--ldflags', '-X a=b', '--', 'x', '/m', './cmd/...']);
  });

  it('rejects a bad name or source with exit 2 and says what is wanted', async () => {
    const bad = await run('bash', [BUILD_GO_SCRIPT, 'Hello', '/tmp'], {
      env: env(),
      allowFail: true,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NAME must be lower-case letters, digits and -, got 'Hello'/);
    const src = await run('bash', [BUILD_GO_SCRIPT, 'hello', 'not a module'], {
      env: env(),
      allowFail: true,
    });
    expect(src.code).toBe(2);
    expect(src.stderr).toMatch(/SOURCE must be a directory with a go.mod or MODULE@VERSION/);
    const flag = await run('bash', [BUILD_GO_SCRIPT, 'hello', root, '-toolexec=x'], {
      env: env(),
      allowFail: true,
    });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/PACKAGE '-toolexec=x' looks like a flag/);
    const preset = await run('bash', [BUILD_GO_SCRIPT, 'nope'], { env: env(), allowFail: true });
    expect(preset.code).toBe(2);
    expect(preset.stderr).toMatch(/'nope' is not a preset \(presets: cni-plugins\)/);
  });

  it('takes NAME_BIN / NAME_DIR from the environment without building', async () => {
    const spec = { name: 'hello', source: join(root, 'never-built') };
    const fromBin = await resolveGoBuild(spec, { ...quiet, env: env({ HELLO_BIN: '/bin/true' }) });
    expect(fromBin).toMatchObject({ dir: '/bin', bin: '/bin/true', source: 'env' });
    const fromDir = await resolveGoBuild(CNI_PLUGINS, {
      ...quiet,
      env: env({ CNI_PLUGINS_DIR: root }),
    });
    expect(fromDir).toMatchObject({ dir: root, source: 'env' });
    expect(fromDir.bin).toBeUndefined();
    await expect(
      resolveGoBuild(spec, { ...quiet, env: env({ HELLO_BIN: join(root, 'nope') }) }),
    ).rejects.toThrow(/HELLO_BIN=.*nope is not an executable file/);
  });
});

describe.skipIf(!hasGo)('build-go.sh with go on PATH', () => {
  const mod = helloModule(join(root, 'hello'), 'hello one');
  const spec = { name: 'hello', source: mod };

  it('says how to build when not cached and building is off', async () => {
    await expect(resolveGoBuild(spec, { ...quiet, build: false, env: env() })).rejects.toThrow(
      /hello is not built \(.*\/bin\/hello-[0-9a-f]{16}\); run: bash scripts\/build-go.sh -- hello .*\(or set HELLO_DIR \/ HELLO_BIN\)/,
    );
    expect(existsSync(join(cache, 'bin'))).toBe(false);
  });

  it('builds a module dir into the cache, keyed by sources and Go version', async () => {
    const lines: string[] = [];
    const b = await resolveGoBuild(spec, { progress: (l) => lines.push(l), env: env() });
    expect(b.source).toBe('built');
    expect(b.dir).toMatch(new RegExp(`^${cache}/bin/hello-[0-9a-f]{16}$`));
    expect(b.bin).toBe(join(b.dir, 'hello'));
    expect(output(b.bin ?? '')).toBe('hello one');
    expect(lines.some((l) => l.startsWith('[build-go] hello: building . of '))).toBe(true);
    // No temp dir of the build is left.
    expect(readdirSync(join(cache, 'bin')).filter((f) => f.startsWith('.gobuild'))).toEqual([]);
  });

  it('hits the cache on the second call: same binary, not rebuilt', async () => {
    const first = await resolveGoBuild(spec, { ...quiet, build: false, env: env() });
    const mtime = statSync(first.bin ?? '').mtimeMs;
    const again = await resolveGoBuild(spec, { ...quiet, env: env() });
    expect(again).toMatchObject({ dir: first.dir, bin: first.bin, source: 'cache' });
    expect(statSync(again.bin ?? '').mtimeMs).toBe(mtime);
  });

  it('rebuilds into a new dir when a source file changes', async () => {
    const before = await resolveGoBuild(spec, { ...quiet, env: env() });
    helloModule(mod, 'hello two');
    const after = await resolveGoBuild(spec, { ...quiet, env: env() });
    expect(after.source).toBe('built');
    expect(after.dir).not.toBe(before.dir);
    expect(output(after.bin ?? '')).toBe('hello two');
    // A file that is not Go source counts too (embedded files, go.sum).
    writeFileSync(join(mod, 'notes.txt'), 'x');
    expect((await resolveGoBuild(spec, { ...quiet, env: env() })).source).toBe('built');
  });

  it('lets concurrent callers share one build (one builds, the other waits for it)', async () => {
    const m = helloModule(join(root, 'concurrent'), 'together');
    const s = { name: 'hello', source: m };
    const results = await Promise.all([
      resolveGoBuild(s, { ...quiet, env: env() }),
      resolveGoBuild(s, { ...quiet, env: env() }),
    ]);
    expect(results.map((r) => r.source).sort()).toEqual(['built', 'cache']);
    expect(results[0]?.dir).toBe(results[1]?.dir);
  });

  it('builds several main packages into one dir, each under its own name', async () => {
    const m = join(root, 'multi');
    for (const cmd of ['alpha', 'beta']) {
      mkdirSync(join(m, 'cmd', cmd), { recursive: true });
      writeFileSync(
        join(m, 'cmd', cmd, 'main.go'),
        `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("${cmd}") }\n`,
      );
    }
    writeFileSync(join(m, 'go.mod'), 'module example.com/multi\n\ngo 1.22\n');
    const b = await resolveGoBuild(
      { name: 'multi', source: m, packages: ['./cmd/...'] },
      { ...quiet, env: env() },
    );
    expect(b.bin).toBeUndefined();
    expect(readdirSync(b.dir).sort()).toEqual(['.plexus-build', 'alpha', 'beta']);
    expect(output(join(b.dir, 'beta'))).toBe('beta');
  });

  it('fails with the compiler’s message and leaves nothing in the cache', async () => {
    const m = helloModule(join(root, 'broken'), 'x');
    writeFileSync(join(m, 'main.go'), 'package main\n\nfunc main() { undefinedThing() }\n');
    await expect(
      resolveGoBuild({ name: 'broken', source: m }, { ...quiet, env: env() }),
    ).rejects.toThrow(/building broken .* failed \(exit 1\):[^]*undefined: undefinedThing/);
    const left = readdirSync(join(cache, 'bin')).filter(
      (f) => f.startsWith('broken-') || f.startsWith('.gobuild-broken'),
    );
    expect(left).toEqual([]);
  });

  it('keys the CNI plugins by module@version and Go version (path only; the build is e2e)', async () => {
    const r = await run('bash', [BUILD_GO_SCRIPT, '--paths', 'cni-plugins'], { env: env() });
    expect(r.stdout).toMatch(
      new RegExp(
        `^CNI_PLUGINS_DIR=${cache}/bin/cni-plugins-[0-9a-f]{16}\nCNI_PLUGINS_FROM=missing\n$`,
      ),
    );
    const other = await run('bash', [BUILD_GO_SCRIPT, '--paths', 'cni-plugins'], {
      env: env({ PLEXUS_CNI_PLUGINS_VERSION: 'v1.9.0' }),
    });
    expect(other.stdout.split('\n')[0]).not.toBe(r.stdout.split('\n')[0]);
  });
});
