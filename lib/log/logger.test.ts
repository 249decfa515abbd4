// The logger writes one JSON object per line, honours the level, carries child bindings, and
// never lets a secret reach its output, whatever shape the secret comes in.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, objectKey, LOG_LEVEL_ENV } from './logger.ts';
import { REDACTED } from './redact.ts';

function sink(): { stream: Writable; lines: () => Record<string, unknown>[]; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString('utf8');
      cb();
    },
  });
  return {
    stream,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const SECRET = 's3cr3t-T0KEN-value';
const PEM = `-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI${SECRET}\n-----END EC PRIVATE KEY-----\n`;

describe('createLogger', () => {
  afterEach(() => {
    delete process.env[LOG_LEVEL_ENV];
  });

  it('writes JSON lines with name, level label, time and child bindings', () => {
    const out = sink();
    const log = createLogger({ name: 'operator', stream: out.stream });
    log.child({ controller: 'overlay', key: 'blue' }).info({ vni: 2 }, 'reconciled');
    const [line] = out.lines();
    expect(line).toMatchObject({
      name: 'operator',
      level: 'info',
      controller: 'overlay',
      key: 'blue',
      vni: 2,
      msg: 'reconciled',
    });
    expect(typeof line?.time).toBe('string');
  });

  it('takes the level from the option, else from PLEXUS_LOG_LEVEL, else info', () => {
    const a = sink();
    createLogger({ name: 't', stream: a.stream }).debug('hidden');
    expect(a.lines()).toHaveLength(0);
    process.env[LOG_LEVEL_ENV] = 'debug';
    const b = sink();
    createLogger({ name: 't', stream: b.stream }).debug('shown');
    expect(b.lines()).toHaveLength(1);
    const c = sink();
    createLogger({ name: 't', stream: c.stream, level: 'warn' }).info('hidden');
    expect(c.lines()).toHaveLength(0);
  });

  it('rejects an unknown level, naming the source and the choices', () => {
    expect(() => createLogger({ name: 't', level: 'loud' })).toThrow(
      /log level: unknown log level "loud"; use one of fatal, error/,
    );
    process.env[LOG_LEVEL_ENV] = 'verbose';
    expect(() => createLogger({ name: 't' })).toThrow(/PLEXUS_LOG_LEVEL: unknown log level/);
  });

  it('never writes a secret, whatever shape it comes in', () => {
    const out = sink();
    const log = createLogger({
      name: 't',
      stream: out.stream,
      level: 'trace',
      secretKeys: ['sessionId'],
    });
    const err = new Error(`request failed: Authorization: Bearer ${SECRET}`);
    Object.assign(err, { config: { headers: { Authorization: `Bearer ${SECRET}` } } });
    log.info({ headers: { authorization: `Bearer ${SECRET}`, 'X-Api-Key': SECRET } }, 'request');
    log.info({ req: { headers: { Cookie: SECRET } } }, 'cookie');
    log.info({ a: { b: { c: { d: { token: SECRET } } } } }, 'deep');
    log.info({ kubeconfig: { users: [{ user: { 'client-key-data': SECRET, token: SECRET } }] } });
    log.info({ tls: { cert: 'public', key: PEM } }, 'pem under an innocent key');
    log.info({ password: SECRET, client_secret: SECRET, privateKey: SECRET, sessionId: SECRET });
    log.error({ err }, 'failed');
    log.error(err);
    log.warn(`header was Bearer ${SECRET}`);
    log.warn('printf %s', `Basic ${SECRET}`);
    log.info(`truncated key ${PEM.slice(0, 50)}`);
    log.child({ token: SECRET, auth: `Bearer ${SECRET}` }).info('child bindings');
    expect(out.lines().length).toBe(12);
    expect(out.text()).not.toContain(SECRET);
    expect(out.text()).not.toContain('MHcCAQEEI');
    expect(out.text()).toContain(REDACTED);
    // What is not secret survives.
    const lines = out.lines();
    expect(lines[4]).toMatchObject({ tls: { cert: 'public', key: `${REDACTED}\n` } });
    expect(lines[6]).toMatchObject({
      msg: 'failed',
      err: { message: expect.stringContaining('request failed') },
    });
  });

  it('survives cycles and huge records without stalling', () => {
    const out = sink();
    const log = createLogger({ name: 't', stream: out.stream });
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    let nested: Record<string, unknown> = { token: SECRET };
    for (let i = 0; i < 1000; i++) nested = { n: nested };
    log.info({ cyclic, nested, wide: Array.from({ length: 10_000 }, (_, i) => i) });
    const [line] = out.lines();
    expect(line).toMatchObject({ cyclic: { name: 'x', self: '[Circular]' } });
    expect(out.text()).not.toContain(SECRET);
    expect((line?.wide as unknown[]).length).toBe(200);
  });
});

describe('objectKey', () => {
  it('is namespace/name, or name when cluster-scoped', () => {
    expect(objectKey({ namespace: 'ns', name: 'a' })).toBe('ns/a');
    expect(objectKey({ name: 'node-1' })).toBe('node-1');
  });
});
