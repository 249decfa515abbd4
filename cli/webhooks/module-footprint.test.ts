// What `plexus webhooks` loads: not the resource schemas' TypeBox (200 modules, 7 MB of RSS in a
// process whose budget is 100 MB), which only `plexus validate` and the CRD generator need; nor
// prom-client's index (13 MB with OpenTelemetry), a YAML parser (10 MB) or Node's bundled undici
// (12 MB).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `script` (ESM) in a fresh Node in the repo and returns the JSON it writes to stdout. */
function inFreshNode(script: string): string[] {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`node exited ${run.status}: ${run.stderr.slice(0, 2000)}`);
  return JSON.parse(run.stdout) as string[];
}

/** The URLs a fresh Node resolves while importing `modules`, in that order. */
function resolvedUrls(modules: readonly string[]): string[] {
  return inFreshNode(`
    import { registerHooks } from 'node:module';
    const seen = [];
    registerHooks({ resolve(s, c, next) { const r = next(s, c); seen.push(r.url); return r; } });
    for (const m of ${JSON.stringify(modules)}) await import(m);
    process.stdout.write(JSON.stringify(seen));
  `);
}

/** Node's internal modules loaded once `modules` are imported (process.moduleLoadList). */
function internalModules(modules: readonly string[]): string[] {
  return inFreshNode(`
    for (const m of ${JSON.stringify(modules)}) await import(m);
    process.stdout.write(JSON.stringify(process.moduleLoadList));
  `);
}

describe('plexus webhooks module footprint', () => {
  it('loading the CLI and the webhooks command loads no TypeBox', () => {
    const urls = resolvedUrls(['./cli/main.ts', './cli/webhooks/command.ts']);
    expect(urls.some((u) => u.includes('/webhooks/server.ts'))).toBe(true);
    expect(urls.filter((u) => u.includes('@sinclair/typebox'))).toEqual([]);
  });
  it('nor prom-client index (OpenTelemetry, the push gateway) nor a YAML parser', () => {
    const urls = resolvedUrls(['./cli/main.ts', './cli/webhooks/command.ts']);
    expect(urls.some((u) => u.includes('/prom-client/lib/counter.js'))).toBe(true);
    for (const heavy of ['@opentelemetry/', '/prom-client/index.js', '/yaml/', 'pushgateway'])
      expect(
        urls.filter((u) => u.includes(heavy)),
        heavy,
      ).toEqual([]);
  });
  it("nor Node's bundled undici (an ESM import of node:http loads it: 12 MB)", () => {
    const loaded = internalModules(['./cli/main.ts', './cli/webhooks/command.ts']);
    expect(loaded.some((m) => m.endsWith(' http'))).toBe(true);
    expect(loaded.filter((m) => m.includes('undici'))).toEqual([]);
    // The probe sees undici when it is there.
    expect(internalModules(['node:http']).some((m) => m.includes('undici'))).toBe(true);
  });
  it('plexus validate still loads the schemas (the probe sees TypeBox when it is there)', () => {
    const urls = resolvedUrls(['./cli/validate/command.ts']);
    expect(urls.some((u) => u.includes('@sinclair/typebox'))).toBe(true);
  });
});
