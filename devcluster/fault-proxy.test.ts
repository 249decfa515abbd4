// The fault proxy against a real TCP echo server on 127.0.0.1: forwarding with
// backpressure, half-close, cutting connections, pause/resume as a partition.
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from './fault-proxy.ts';
import type { FaultProxy } from './fault-proxy.ts';
import { freePort } from './free-port.ts';

let echo: Server;
let echoPort = 0;
const serverSockets = new Set<Socket>();

beforeAll(async () => {
  echo = createServer({ allowHalfOpen: true }, (s) => {
    serverSockets.add(s);
    s.on('close', () => serverSockets.delete(s));
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const addr = echo.address();
  echoPort = typeof addr === 'object' && addr ? addr.port : 0;
});
afterAll(() => new Promise<void>((r) => echo.close(() => r())));

function dial(proxy: FaultProxy): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: proxy.port, allowHalfOpen: true });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Collects what a socket receives; `bytes()` is everything so far; `ended` once the peer has finished or the socket closed. */
function collect(s: Socket): { bytes(): Buffer; ended: Promise<void> } {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((r) => {
    s.once('end', () => r());
    s.once('close', () => r());
  });
  return { bytes: () => Buffer.concat(chunks), ended };
}

function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (check()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('fault proxy', () => {
  it('forwards both ways, 8 MiB intact, and passes a half-close on', async () => {
    const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: echoPort } });
    try {
      const s = await dial(proxy);
      const got = collect(s);
      const data = randomBytes(8 << 20);
      s.end(data);
      // The echo server ends its side once it has seen our end: the FIN went through the proxy.
      await got.ended;
      expect(got.bytes().length).toBe(data.length);
      expect(sha(got.bytes())).toBe(sha(data));
      await until('the pair to close', () => proxy.open === 0);
    } finally {
      await proxy.close();
    }
  });

  it('cutAll resets every open connection on both sides; new connections still work', async () => {
    const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: echoPort } });
    try {
      await until('earlier connections to be gone', () => serverSockets.size === 0);
      const a = await dial(proxy);
      const b = await dial(proxy);
      const closed = [a, b].map((s) => {
        s.on('error', () => {});
        return collect(s).ended;
      });
      await until('both pairs upstream', () => serverSockets.size === 2);
      expect(proxy.cutAll()).toBe(2);
      await Promise.all(closed);
      await until('the server side to close', () => serverSockets.size === 0);
      expect(proxy.open).toBe(0);

      const c = await dial(proxy);
      const got = collect(c);
      c.write('again');
      await until('the echo after a cut', () => got.bytes().toString() === 'again');
      expect(proxy.accepted).toBe(3);
      c.destroy();
    } finally {
      await proxy.close();
    }
  });

  it('setRefusing resets new connections at once, keeps open ones, and lets go again', async () => {
    const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: echoPort } });
    try {
      const open = await dial(proxy);
      const kept = collect(open);
      proxy.setRefusing(true);
      // Reset at once: the client sees the reset (before or after its connect event) and a close.
      const refused = connect({ host: '127.0.0.1', port: proxy.port });
      const failed = new Promise<boolean>((resolve) => {
        let reset = false;
        refused.on('error', (e: NodeJS.ErrnoException) => (reset = e.code === 'ECONNRESET'));
        refused.on('close', () => resolve(reset));
      });
      expect(await failed).toBe(true);
      open.write('still');
      await until('the open connection to echo', () => kept.bytes().toString() === 'still');
      proxy.setRefusing(false);
      const again = await dial(proxy);
      const got = collect(again);
      again.write('back');
      await until('a new connection to echo', () => got.bytes().toString() === 'back');
      open.destroy();
      again.destroy();
    } finally {
      await proxy.close();
    }
  });

  it('pause holds traffic both ways and new connections; resume delivers everything', async () => {
    const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: echoPort } });
    try {
      const old = await dial(proxy);
      const oldGot = collect(old);
      old.write('before');
      await until('echo before the pause', () => oldGot.bytes().toString() === 'before');

      proxy.pause();
      expect(proxy.paused).toBe(true);
      old.write('during');
      const fresh = await dial(proxy); // accepted by the proxy, not forwarded yet
      const freshGot = collect(fresh);
      fresh.write('waiting');
      await sleep(300);
      expect(oldGot.bytes().toString()).toBe('before');
      expect(freshGot.bytes().length).toBe(0);
      expect(serverSockets.size).toBe(1);

      proxy.resume();
      await until('old echo after resume', () => oldGot.bytes().toString() === 'beforeduring');
      await until('fresh echo after resume', () => freshGot.bytes().toString() === 'waiting');
      old.destroy();
      fresh.destroy();
    } finally {
      await proxy.close();
    }
  });

  it('closes the client when the upstream refuses, instead of leaving it hanging', async () => {
    const deadPort = await freePort();
    const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: deadPort } });
    try {
      const s = await dial(proxy);
      s.on('error', () => {});
      await collect(s).ended;
      await until('nothing open', () => proxy.open === 0);
    } finally {
      await proxy.close();
    }
  });

  it('close() cuts the connections and frees the port', async () => {
    const proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: echoPort } });
    const s = await dial(proxy);
    s.on('error', () => {});
    const ended = collect(s).ended;
    await proxy.close();
    await ended;
    const again = await startFaultProxy({
      upstream: { host: '127.0.0.1', port: echoPort },
      port: proxy.port,
    });
    await again.close();
  });
});
