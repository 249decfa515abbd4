// /healthz, /readyz (named checks, per-check paths, verbose) and /metrics over loopback HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistry, controllerMetrics } from '../metrics/index.ts';
import { startHealthServer } from './health-server.ts';
import type { HealthServer } from './health-server.ts';
import { runChecks } from './health-checks.ts';
import { resolveLimits } from './limits.ts';

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server?.url}${path}`, { method });
  return { status: res.status, body: await res.text() };
}

describe('startHealthServer', () => {
  it('serves /healthz, /readyz with named checks, and /metrics', async () => {
    const registry = createRegistry({ defaultMetrics: false });
    controllerMetrics(registry).reconcileTotal.inc({ controller: 'c', result: 'success' });
    let synced = false;
    server = await startHealthServer({
      port: 0,
      registry,
      readiness: { informers: () => (synced ? true : 'not synced yet') },
    });
    expect(await get('/healthz')).toEqual({ status: 200, body: 'ok' });
    const notReady = await get('/readyz');
    expect(notReady.status).toBe(500);
    expect(notReady.body).toBe(
      '[-]informers failed: not synced yet\n[+]ping ok\nreadyz check failed\n',
    );
    synced = true;
    expect(await get('/readyz')).toEqual({ status: 200, body: 'ok' });
    expect(await get('/readyz?verbose')).toEqual({
      status: 200,
      body: '[+]informers ok\n[+]ping ok\nreadyz check passed\n',
    });
    expect((await get('/readyz/informers')).status).toBe(200);
    expect((await get('/readyz/nope')).status).toBe(404);
    const metrics = await get('/metrics');
    expect(metrics.body).toContain(
      'controller_runtime_reconcile_total{controller="c",result="success"} 1',
    );
    expect((await get('/other')).status).toBe(404);
    expect((await get('/healthz', 'POST')).status).toBe(405);
  });

  it('adds readiness checks while running; a throwing check fails with its message', async () => {
    server = await startHealthServer({ port: 0 });
    server.setReadinessCheck('leader', () => {
      throw new Error('lease unreadable');
    });
    const res = await get('/readyz');
    expect(res.status).toBe(500);
    expect(res.body).toContain('[-]leader failed: lease unreadable');
  });
});

describe('runChecks', () => {
  it('fails a check that does not answer within the deadline', async () => {
    const report = await runChecks({ stuck: () => new Promise(() => {}) }, { timeoutMs: 50 });
    expect(report).toEqual({ ok: false, lines: ['[-]stuck failed: no answer within 50 ms'] });
  });
});

describe('resolveLimits', () => {
  it('names the bad field', () => {
    expect(() => resolveLimits({ maxBodyBytes: -1 })).toThrow(
      /maxBodyBytes must be a positive number/,
    );
    expect(() => resolveLimits({ headersTimeoutMs: 5000, requestTimeoutMs: 1000 })).toThrow(
      /headersTimeoutMs \(5000\) must not exceed requestTimeoutMs \(1000\)/,
    );
  });
});
