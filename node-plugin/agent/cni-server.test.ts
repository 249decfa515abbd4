// The CNI socket under hostile and broken clients: every malformed, oversized, slow or
// abandoned request gets a CNI error (or is dropped) and the server keeps serving.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/log/index.ts';
import { createRegistry } from '../../lib/metrics/index.ts';
import { CniFailure } from '../cni/cni-error.ts';
import type { CniRequest } from '../cni/cni-request.ts';
import { cniMetrics } from './cni-metrics.ts';
import { startCniServer } from './cni-server.ts';
import type { CniServer, CniServerOptions } from './cni-server.ts';

let dir: string;
let server: CniServer | undefined;
const logger = createLogger({ name: 'test', level: 'silent' });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plexus-sock-'));
});
afterEach(async () => {
  await server?.close(1000);
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(
  handle: (req: CniRequest) => Promise<unknown>,
  extra: Partial<CniServerOptions> = {},
) {
  const metrics = cniMetrics(createRegistry({ defaultMetrics: false }));
  server = await startCniServer({
    socketPath: join(dir, 'agent.sock'),
    handler: { handle },
    metrics,
    logger,
    ...extra,
  });
  return { metrics, path: join(dir, 'agent.sock') };
}

/** Sends raw bytes; `end` closes the write side. Resolves with everything the server sent back. */
function exchange(path: string, data: string | Buffer, end = true): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    let out = '';
    s.on('data', (c) => (out += c.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
    s.write(data);
    if (end) s.end();
  });
}

const env = { CNI_COMMAND: 'VERSION' };
const request = (e: Record<string, string>, stdin: string) =>
  `${JSON.stringify({ env: e })}\n${stdin}`;
const answerOf = (raw: string): { code: number; body: Record<string, unknown> | undefined } => {
  const nl = raw.indexOf('\n');
  const body = raw.slice(nl + 1).trim();
  return {
    code: Number(raw.slice(0, nl)),
    body: body === '' ? undefined : (JSON.parse(body) as Record<string, unknown>),
  };
};

describe('CNI server', () => {
  it('answers exit code 0 and the result; a failure as exit code 1 and the CNI error object', async () => {
    const { path, metrics } = await start(async (req) => {
      if (req.config.fail === true) throw new CniFailure(7, 'bad config', 'details here');
      return { cniVersion: req.cniVersion, ok: true };
    });
    expect(answerOf(await exchange(path, request(env, '{"cniVersion":"1.0.0"}')))).toEqual({
      code: 0,
      body: { cniVersion: '1.0.0', ok: true },
    });
    expect(
      answerOf(await exchange(path, request(env, '{"cniVersion":"1.1.0","fail":true}'))),
    ).toEqual({
      code: 1,
      body: { cniVersion: '1.1.0', code: 7, msg: 'bad config', details: 'details here' },
    });
    const text = await metrics.errors.get();
    expect(text.values).toEqual([
      expect.objectContaining({ labels: { command: 'VERSION', code: '7' }, value: 1 }),
    ]);
  });

  it('answers malformed requests with error 6 or 4 and keeps serving', async () => {
    const { path } = await start(async () => ({ ok: true }));
    const bad = [
      'no newline at all',
      'not json\n{}',
      '{"env": 5}\n{}',
      request(env, '\xff\xfe not json'),
      request({ CNI_COMMAND: 'ADD' }, '{}'),
      `${'x'.repeat(70 * 1024)}\n{}`,
    ];
    const codes = [];
    for (const b of bad) codes.push(answerOf(await exchange(path, b)).body?.code);
    expect(codes).toEqual([6, 6, 6, 6, 4, 6]);
    expect(answerOf(await exchange(path, request(env, '{}'))).code).toBe(0);
  });

  it('refuses a request over the size limit without reading it all', async () => {
    const { path } = await start(async () => ({ ok: true }), { maxStdinBytes: 1024 });
    const raw = await exchange(path, request(env, `{"x":"${'a'.repeat(10_000)}"}`)).catch(
      () => '1\n{"code":6}',
    );
    expect(raw, JSON.stringify(raw)).toMatch(/^1\n/);
    expect(answerOf(raw).body?.code).toBe(6);
  });

  it('gives up on a client that never finishes its request', async () => {
    const { path } = await start(async () => ({ ok: true }), { readTimeoutMs: 200 });
    const started = Date.now();
    const raw = await exchange(path, request(env, '{"partial":'), false);
    expect(answerOf(raw).body).toMatchObject({
      code: 6,
      msg: 'the request did not arrive in time',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('survives a client that goes away mid-request, and answers 11 past its deadline or when busy', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const { path, metrics } = await start(
      async (req) => {
        if (req.config.hold === true) await held;
        return { ok: true };
      },
      { answerTimeoutMs: 300, maxInFlight: 2 },
    );
    const s = connect(path);
    s.write('{"env":');
    s.destroy();
    expect(answerOf(await exchange(path, request(env, '{"hold":true}'))).body).toMatchObject({
      code: 11,
    });
    const first = exchange(path, request(env, '{"hold":true}'));
    const second = exchange(path, request(env, '{"hold":true}'));
    await new Promise((r) => setTimeout(r, 50));
    expect(answerOf(await exchange(path, request(env, '{}'))).body).toMatchObject({
      code: 11,
      msg: 'the agent is busy; try again later',
    });
    release();
    await Promise.all([first, second]);
    expect((await metrics.inFlight.get()).values[0]?.value).toBe(0);
  });

  it('takes over a stale socket file but refuses to start beside a live agent', async () => {
    const path = join(dir, 'agent.sock');
    writeFileSync(path, '');
    await start(async () => ({}));
    const metrics = cniMetrics(createRegistry({ defaultMetrics: false }));
    await expect(
      startCniServer({ socketPath: path, handler: { handle: async () => ({}) }, metrics, logger }),
    ).rejects.toThrow(/another agent is listening/);
    await server?.close(1000);
    server = undefined;
    expect(existsSync(path)).toBe(false);
  });
});
