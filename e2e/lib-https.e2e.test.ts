// lib/http's HTTPS server with real TLS clients: certificate rotation under continuous requests
// with no failed request (a half-written pair keeps the old certificate), slow clients cut off,
// oversized bodies answered 413, TLS < 1.2 refused, and a SIGTERM'd process finishing its
// in-flight request before it exits.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { Agent, request } from 'node:https';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsServer } from '../lib/http/index.ts';
import type { HttpsServer, HttpsServerOptions } from '../lib/http/index.ts';
import { createCa, issueCertificate } from '../devcluster/pki.ts';
import type { CertPair, IssuedCert } from '../devcluster/pki.ts';
import { skipReason, testRun } from './context.ts';
import type { Run } from '../devcluster/run.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/graceful-https.ts', import.meta.url));
const PINNED_NODE = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
const NODE = existsSync(PINNED_NODE) ? PINNED_NODE : process.execPath;

interface Answer {
  status: number;
  body: string;
  serial: string;
}

function get(
  port: number,
  ca: Buffer,
  opts: {
    path?: string;
    method?: string;
    body?: Buffer;
    agent?: Agent | false;
    chunked?: boolean;
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: opts.path ?? '/',
        method: opts.method ?? 'GET',
        ca,
        agent: opts.agent ?? false,
        timeout: 10_000,
        headers: opts.chunked ? { 'transfer-encoding': 'chunked' } : {},
      },
      (res) => {
        const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, serial }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

const echo: HttpsServerOptions['handler'] = (_req, body, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(`got ${body.length}`);
};

/** Resolves with the ms until the server closed the socket (or 'open' after maxMs). */
function timeUntilClosed(socket: NodeJS.EventEmitter, maxMs: number): Promise<number | 'open'> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('open'), maxMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - t0);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skipReason() !== null)('lib/http HTTPS server', () => {
  let run: Run;
  let ca: CertPair;
  let caPem: Buffer;
  let leaves: IssuedCert[];

  beforeAll(async () => {
    run = testRun();
    const pkiDir = join(run.dir, 'pki');
    ca = await createCa(pkiDir);
    caPem = readFileSync(ca.cert);
    leaves = await Promise.all(
      ['a', 'b', 'c'].map((n) => issueCertificate(pkiDir, ca, { name: `leaf-${n}` })),
    );
  });
  afterAll(async () => {
    await run?.close();
  });

  it('rotates its certificate under continuous requests with no failed request', async () => {
    const [a, b, c] = leaves as [IssuedCert, IssuedCert, IssuedCert];
    // Kubernetes mounts a Secret as symlinks into a ..data dir that it swaps atomically.
    const dir = join(run.dir, 'rotate');
    mkdirSync(join(dir, '..v1'), { recursive: true });
    copyFileSync(a.cert, join(dir, '..v1', 'tls.crt'));
    copyFileSync(a.key, join(dir, '..v1', 'tls.key'));
    symlinkSync('..v1', join(dir, '..data'));
    symlinkSync('..data/tls.crt', join(dir, 'tls.crt'));
    symlinkSync('..data/tls.key', join(dir, 'tls.key'));
    const certFile = join(dir, 'tls.crt');
    const keyFile = join(dir, 'tls.key');
    const reloads: string[] = [];
    const errors: string[] = [];
    const server = await startHttpsServer({
      certFile,
      keyFile,
      port: 0,
      handler: echo,
      certCheckIntervalMs: 300,
      events: {
        certReloaded: (cert) => reloads.push(cert.serialNumber),
        certError: (e) => errors.push(e.message),
      },
    });
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 4 });
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    let lastFreshSerial = '';
    const loop = async (agent: Agent | false): Promise<void> => {
      while (!stop) {
        try {
          const res = await get(server.port, caPem, { agent });
          if (res.status === 200) ok++;
          else failures.push(`status ${res.status}`);
          if (agent === false) lastFreshSerial = res.serial;
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
    };
    const loops = [loop(false), loop(false), loop(keepAlive), loop(keepAlive)];
    // A wait for progress, not a speed bound: a busy machine can be slow to answer.
    const waitForSerial = async (serial: string): Promise<number> => {
      const t0 = Date.now();
      while (lastFreshSerial !== serial && Date.now() - t0 < 15_000) await sleep(20);
      return Date.now() - t0;
    };
    try {
      expect(await waitForSerial(a.serial)).toBeLessThan(15_000);
      const inV1 = (name: string): string => join(dir, '..v1', name);

      // 1. A cut-off certificate (a writer mid-write): the old pair stays.
      writeFileSync(inV1('tls.crt'), readFileSync(b.cert).subarray(0, 200));
      await sleep(800);
      // 2. The whole new certificate, but the old key still beside it: still the old pair.
      copyFileSync(b.cert, inV1('tls.crt'));
      await sleep(800);
      expect(lastFreshSerial).toBe(a.serial);
      expect(server.certificate().serialNumber).toBe(a.serial);
      // 3. The matching key lands: the new pair takes over without a restart.
      copyFileSync(b.key, inV1('tls.key'));
      expect(await waitForSerial(b.serial)).toBeLessThan(3000);

      // 4. Kubernetes-style: a new ..v2 dir, and ..data swapped to it with one rename.
      mkdirSync(join(dir, '..v2'));
      copyFileSync(c.cert, join(dir, '..v2', 'tls.crt'));
      copyFileSync(c.key, join(dir, '..v2', 'tls.key'));
      symlinkSync('..v2', join(dir, '..data.tmp'));
      renameSync(join(dir, '..data.tmp'), join(dir, '..data'));
      expect(await waitForSerial(c.serial)).toBeLessThan(3000);
      await sleep(300);
    } finally {
      stop = true;
      await Promise.all(loops);
      keepAlive.destroy();
      await server.close();
    }
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(50);
    expect(reloads).toEqual([b.serial, c.serial]);
    // Both bad states were reported (once each), not silently ignored.
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.join('\n')).toMatch(/write a PEM certificate and its matching PEM private key/);
    console.log(`[lib-https] rotation: ${ok} requests, 0 failed, reloads ${reloads.join(' → ')}`);
  });

  it('refuses a bad pair at start with a message naming the files', async () => {
    const [a, b] = leaves as [IssuedCert, IssuedCert];
    await expect(
      startHttpsServer({ certFile: a.cert, keyFile: b.key, port: 0, handler: echo }),
    ).rejects.toThrow(/cannot load TLS certificate .*leaf-a\.crt with key .*leaf-b\.key/);
  });

  describe('limits', () => {
    let server: HttpsServer;
    beforeAll(async () => {
      const a = leaves[0] as IssuedCert;
      server = await startHttpsServer({
        certFile: a.cert,
        keyFile: a.key,
        port: 0,
        handler: echo,
        limits: {
          maxBodyBytes: 64 * 1024,
          headersTimeoutMs: 1000,
          requestTimeoutMs: 2000,
          handshakeTimeoutMs: 1000,
        },
      });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('answers 413 to a body over the limit, declared or chunked, and keeps serving', async () => {
      const big = Buffer.alloc(200 * 1024, 'x');
      const declared = await get(server.port, caPem, { method: 'POST', body: big });
      expect(declared.status).toBe(413);
      expect(declared.body).toMatch(/request body exceeds 65536 bytes/);
      const chunked = await get(server.port, caPem, { method: 'POST', body: big, chunked: true });
      expect(chunked.status).toBe(413);
      const small = await get(server.port, caPem, { method: 'POST', body: Buffer.alloc(1000) });
      expect(small).toMatchObject({ status: 200, body: 'got 1000' });
    });

    it('lets a client that streams 10× the limit slowly, reading only afterwards, read the 413', async () => {
      // Closing under unread data makes the kernel reset the connection, and a reset discards
      // what the client has not read yet: the server drains the body before it closes.
      const limit = 64 * 1024;
      const streamThenRead = (head: string, frame: (piece: Buffer) => Buffer, tail: string) =>
        new Promise<{ text: string; error?: string }>((resolve) => {
          const socket = tlsConnect({ host: '127.0.0.1', port: server.port, ca: caPem }, () => {
            // A client that reads nothing until it has sent everything.
            socket.pause();
            socket.write(head);
            let sent = 0;
            const timer = setInterval(() => {
              if (sent >= 10 * limit) {
                clearInterval(timer);
                socket.write(tail);
                setTimeout(() => socket.resume(), 200);
                return;
              }
              socket.write(frame(Buffer.alloc(16 * 1024, 0x61)));
              sent += 16 * 1024;
            }, 10);
          });
          let text = '';
          let error: string | undefined;
          socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
          socket.on('error', (e) => (error = e.message));
          socket.on('close', () => resolve({ text, ...(error === undefined ? {} : { error }) }));
        });
      const declared = await streamThenRead(
        `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${10 * limit}\r\n\r\n`,
        (piece) => piece,
        '',
      );
      expect(declared.error).toBeUndefined();
      expect(declared.text).toMatch(/^HTTP\/1\.1 413/);
      expect(declared.text.toLowerCase()).toContain('connection: close');
      expect(declared.text).toContain('request body exceeds 65536 bytes');
      const chunked = await streamThenRead(
        'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n',
        (piece) =>
          Buffer.concat([
            Buffer.from(`${piece.length.toString(16)}\r\n`),
            piece,
            Buffer.from('\r\n'),
          ]),
        '0\r\n\r\n',
      );
      expect(chunked.error).toBeUndefined();
      expect(chunked.text).toMatch(/^HTTP\/1\.1 413/);
    });

    it('cuts off a client that trickles its headers (slow loris)', async () => {
      const socket = tlsConnect({ host: '127.0.0.1', port: server.port, ca: caPem });
      socket.on('error', () => {});
      await new Promise((r) => socket.once('secureConnect', r));
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const closed = timeUntilClosed(socket, 8000);
      let sent = 0;
      const trickle = setInterval(() => {
        if (!socket.destroyed) socket.write(`X-Slow-${sent++}: y\r\n`);
      }, 200);
      const ms = await closed;
      clearInterval(trickle);
      // Header deadline 1 s, checked every 250 ms.
      expect(ms).not.toBe('open');
      expect(ms as number).toBeLessThan(3000);
      // Meanwhile a normal client is served.
      expect((await get(server.port, caPem)).status).toBe(200);
    });

    it('cuts off a client that trickles its body', async () => {
      const socket = tlsConnect({ host: '127.0.0.1', port: server.port, ca: caPem });
      socket.on('error', () => {});
      await new Promise((r) => socket.once('secureConnect', r));
      socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n');
      const closed = timeUntilClosed(socket, 8000);
      const trickle = setInterval(() => {
        if (!socket.destroyed) socket.write('x');
      }, 100);
      const ms = await closed;
      clearInterval(trickle);
      expect(ms).not.toBe('open');
      expect(ms as number).toBeLessThan(4000);
    });

    it('cuts off a client that connects and never finishes the TLS handshake', async () => {
      const socket = netConnect(server.port, '127.0.0.1');
      socket.on('error', () => {});
      await new Promise((r) => socket.once('connect', r));
      const ms = await timeUntilClosed(socket, 8000);
      expect(ms).not.toBe('open');
      expect(ms as number).toBeLessThan(3000);
    });

    it('cuts off a client that completes the handshake and then sends nothing', async () => {
      const socket = tlsConnect({ host: '127.0.0.1', port: server.port, ca: caPem });
      socket.on('error', () => {});
      await new Promise((r) => socket.once('secureConnect', r));
      const ms = await timeUntilClosed(socket, 8000);
      expect(ms).not.toBe('open');
      expect(ms as number).toBeLessThan(3000);
    });

    it('refuses TLS 1.1 and older', async () => {
      const socket = tlsConnect({
        host: '127.0.0.1',
        port: server.port,
        ca: caPem,
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
      });
      const outcome = await new Promise<string>((resolve) => {
        socket.once('secureConnect', () => resolve('connected'));
        socket.once('error', (e) => resolve(e.message));
      });
      socket.destroy();
      expect(outcome).not.toBe('connected');
    });
  });

  describe('graceful close', () => {
    it('finishes the in-flight request, closes idle keep-alive sockets at once, refuses new ones', async () => {
      const a = leaves[0] as IssuedCert;
      const server = await startHttpsServer({
        certFile: a.cert,
        keyFile: a.key,
        port: 0,
        async handler(_req, _body, res) {
          await sleep(800);
          res.end('done');
        },
      });
      const idleAgent = new Agent({ keepAlive: true });
      await get(server.port, caPem, { agent: idleAgent });
      const inFlight = get(server.port, caPem);
      await sleep(200);
      expect(server.inFlight).toBe(1);
      const t0 = Date.now();
      const closed = server.close(5000);
      await sleep(50);
      await expect(get(server.port, caPem)).rejects.toThrow(/ECONNREFUSED/);
      expect(await inFlight).toMatchObject({ status: 200, body: 'done' });
      await closed;
      // Done when the request was, not after the 65 s keep-alive of the idle socket.
      expect(Date.now() - t0).toBeLessThan(2000);
      idleAgent.destroy();
    });

    it('cuts a request that outlives the deadline', async () => {
      const a = leaves[0] as IssuedCert;
      const server = await startHttpsServer({
        certFile: a.cert,
        keyFile: a.key,
        port: 0,
        handler: () => new Promise(() => {}), // never answers
      });
      const hung = get(server.port, caPem).catch((e: Error) => e.message);
      await sleep(100);
      const t0 = Date.now();
      await server.close(500);
      const waited = Date.now() - t0;
      expect(waited).toBeGreaterThanOrEqual(450);
      expect(waited).toBeLessThan(2000);
      expect(await hung).toMatch(/socket hang up|ECONNRESET/);
    });

    it('cuts a connection whose rejected body is still arriving at once, not at the deadline', async () => {
      const a = leaves[0] as IssuedCert;
      const server = await startHttpsServer({
        certFile: a.cert,
        keyFile: a.key,
        port: 0,
        handler: echo,
        limits: { maxBodyBytes: 1024 },
      });
      // A huge body announced, a little of it sent, then nothing: the 413 is out, the drain waits.
      const socket = tlsConnect({ host: '127.0.0.1', port: server.port, ca: caPem });
      socket.on('error', () => {});
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
      await new Promise((r) => socket.once('secureConnect', r));
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n`);
      socket.write(Buffer.alloc(4096, 0x61));
      await sleep(300);
      expect(text).toMatch(/^HTTP\/1\.1 413/);
      const closedIn = timeUntilClosed(socket, 8000);
      const t0 = Date.now();
      await server.close(5000);
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(await closedIn).not.toBe('open');
    });

    it('closes at once the connections that carry no request: never used, headers half sent', async () => {
      const a = leaves[0] as IssuedCert;
      const server = await startHttpsServer({
        certFile: a.cert,
        keyFile: a.key,
        port: 0,
        handler: echo,
      });
      const open = async (first?: string) => {
        const socket = tlsConnect({ host: '127.0.0.1', port: server.port, ca: caPem });
        socket.on('error', () => {});
        await new Promise((r) => socket.once('secureConnect', r));
        if (first !== undefined) socket.write(first);
        return socket;
      };
      const silent = await open();
      const halfHeaders = await open('POST / HTTP/1.1\r\nHost: x\r\n');
      await sleep(100);
      const closed = [timeUntilClosed(silent, 8000), timeUntilClosed(halfHeaders, 8000)];
      const t0 = Date.now();
      await server.close(5000);
      expect(Date.now() - t0).toBeLessThan(1000);
      for (const c of await Promise.all(closed)) expect(c).not.toBe('open');
    });

    it('a process closing on SIGTERM answers its in-flight request, then exits 0', async () => {
      const a = leaves[0] as IssuedCert;
      const child = spawn(NODE, [FIXTURE, a.cert, a.key], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          out += c;
          const m = /\{"port":(\d+)\}/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', () => reject(new Error(`fixture exited early: ${err}`)));
      });
      const inFlight = get(port, caPem, { path: '/?delay=1500' });
      await sleep(300);
      child.kill('SIGTERM');
      await sleep(100);
      await expect(get(port, caPem)).rejects.toThrow(/ECONNREFUSED/);
      expect(await inFlight).toMatchObject({ status: 200, body: '{"delay":1500,"bytes":0}' });
      expect(await exited).toBe(0);
      expect(out).toContain('{"closed":true}');
    });
  });
});
