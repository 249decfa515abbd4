// `plexus webhooks` under hostile clients and operations: random, truncated and mistyped
// AdmissionReviews, huge bodies and slow-loris connections get well-formed answers and never
// crash or hang it; its serving certificate is replaced on disk while the real kube-apiserver
// keeps calling, with no failed admission; SIGTERM lets the review in flight finish.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, kubectl } from '../devcluster/kube.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import type { Run } from '../devcluster/run.ts';
import { startDevWebhooks } from '../devcluster/webhooks.ts';
import type { DevWebhooks } from '../devcluster/webhooks.ts';
import { controlPlane, skipReason, testRun } from './context.ts';

interface Answer {
  status: number;
  type: string;
  body: string;
}

function post(
  w: DevWebhooks,
  path: string,
  body: Buffer | string,
  client: { agent: Agent; headers?: Record<string, string> },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, w.url);
    const req = request(
      url,
      {
        method: 'POST',
        agent: client.agent,
        headers: { 'content-type': 'application/json', ...client.headers },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type']),
            body: text,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const VALID = {
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: 'fuzz-0',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    operation: 'CREATE',
    namespace: 'default',
    name: 'p',
    object: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'default',
        annotations: { 'k8s.v1.cni.cncf.io/networks': '[{"name":"a","interface":"net1"}]' },
      },
    },
  },
};

/** Mutations of a valid review: drop, retype or replace one field at a random path. */
function mutate(seed: number): unknown {
  const copy = JSON.parse(JSON.stringify(VALID)) as Record<string, unknown>;
  const junk: unknown[] = [
    null,
    0,
    -1,
    1e308,
    '',
    'x'.repeat(300),
    [],
    {},
    true,
    '\u0000\u202e',
    { a: [[[]]] },
  ];
  const paths = [
    ['apiVersion'],
    ['kind'],
    ['request'],
    ['request', 'uid'],
    ['request', 'kind'],
    ['request', 'kind', 'kind'],
    ['request', 'operation'],
    ['request', 'object'],
    ['request', 'object', 'kind'],
    ['request', 'object', 'metadata'],
    ['request', 'object', 'metadata', 'annotations'],
    ['request', 'namespace'],
    ['request', 'oldObject'],
  ];
  const path = paths[seed % paths.length] ?? [];
  let cur = copy as Record<string, unknown>;
  for (const k of path.slice(0, -1)) cur = (cur[k] ?? {}) as Record<string, unknown>;
  const last = path[path.length - 1] ?? '';
  if (seed % 3 === 0) delete cur[last];
  else cur[last] = junk[seed % junk.length];
  return copy;
}

/** A well-formed answer: an AdmissionReview echoing the uid, or an HTTP error with a text reason. */
function expectWellFormed(a: Answer, uid: unknown): void {
  if (a.status === 200) {
    expect(a.type).toBe('application/json');
    const review = JSON.parse(a.body) as {
      apiVersion: string;
      kind: string;
      response: { uid: string; allowed: boolean };
    };
    expect(review).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' });
    expect(review.response.uid).toBe(uid);
    expect(typeof review.response.allowed).toBe('boolean');
  } else {
    expect([400, 404, 405, 413, 415]).toContain(a.status);
    expect(a.type).toMatch(/^text\/plain/);
    expect(a.body.trim().length).toBeGreaterThan(0);
  }
}

describe.skipIf(skipReason() !== null)('plexus webhooks under hostile clients', () => {
  let run: Run;
  let cp: ControlPlaneInfo;
  let hooks: DevWebhooks;
  let agent: Agent;
  const ns = `whh-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    run = testRun();
    cp = controlPlane();
    await kubectl(cp, ['create', 'namespace', ns]);
    hooks = await startDevWebhooks({ controlPlane: cp, run });
    agent = new Agent({ keepAlive: true, maxSockets: 8, ca: readFileSync(hooks.caFile) });
  });

  afterAll(async () => {
    agent?.destroy();
    await hooks?.stop();
    await kubectl(cp, ['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
    await run?.close();
  });

  it('answers random, truncated and mistyped AdmissionReviews well-formed, and keeps serving', async () => {
    const text = JSON.stringify(VALID);
    const cases: {
      body: Buffer | string;
      uid: unknown;
      headers?: Record<string, string>;
      path?: string;
    }[] = [];
    for (let i = 0; i < 300; i++) {
      const m = mutate(i) as { request?: { uid?: unknown } };
      cases.push({ body: JSON.stringify(m), uid: m.request?.uid });
    }
    for (let cut = 0; cut < text.length; cut += 7)
      cases.push({ body: text.slice(0, cut), uid: undefined });
    for (let i = 0; i < 100; i++)
      cases.push({ body: randomBytes(1 + ((i * 37) % 4000)), uid: undefined });
    cases.push(
      { body: '[]', uid: undefined },
      { body: 'null', uid: undefined },
      { body: '"x"', uid: undefined },
    );
    cases.push({ body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`, uid: undefined });
    cases.push({ body: text, uid: 'fuzz-0', headers: { 'content-type': 'text/yaml' } });
    cases.push({ body: text, uid: 'fuzz-0', path: '/validate/nothing' });
    cases.push({ body: text, uid: 'fuzz-0', path: '/validate/overlaynetworks' });
    for (const c of cases) {
      const a = await post(hooks, c.path ?? '/validate/pods', c.body, {
        agent,
        ...(c.headers ? { headers: c.headers } : {}),
      });
      expectWellFormed(a, c.uid);
    }
    // The Pod sent to the OverlayNetwork route is a wrong kind: an AdmissionReview error, not a verdict.
    const wrongKind = await post(hooks, '/validate/overlaynetworks', text, { agent });
    expect(JSON.parse(wrongKind.body)).toMatchObject({
      response: { uid: 'fuzz-0', allowed: false, status: { code: 400 } },
    });
    expect(hooks.service.isRunning()).toBe(true);
    expect((await fetch(`${hooks.healthUrl}/healthz`)).status).toBe(200);
  });

  it('answers a huge body with 413, declared or chunked, and the client reads it', async () => {
    // A raw TLS socket that reads only what arrives: the server answers at once, then discards
    // the rest of the body before it closes (closing under unread data would reset the
    // connection, and the client could lose the answer).
    const send = (head: string, total: number, chunked: boolean): Promise<string> =>
      new Promise((resolve) => {
        const s = connect(
          {
            host: '127.0.0.1',
            port: Number(new URL(hooks.url).port),
            ca: readFileSync(hooks.caFile),
          },
          () => {
            s.write(head);
            let sent = 0;
            const chunk = Buffer.alloc(64 * 1024, 0x20);
            const pump = (): void => {
              while (sent < total && !s.destroyed) {
                sent += chunk.length;
                const piece = chunked
                  ? Buffer.concat([
                      Buffer.from(`${chunk.length.toString(16)}\r\n`),
                      chunk,
                      Buffer.from('\r\n'),
                    ])
                  : chunk;
                if (!s.write(piece)) return void s.once('drain', pump);
              }
            };
            pump();
          },
        );
        let text = '';
        s.on('data', (c: Buffer) => (text += c.toString('utf8')));
        s.on('error', () => {});
        s.on('close', () => resolve(text));
      });
    const declared = await send(
      `POST /validate/pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${7 * 1024 * 1024}\r\n\r\n`,
      0,
      false,
    );
    expect(declared).toMatch(/^HTTP\/1\.1 413/);
    const chunked = await send(
      'POST /validate/pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      6 * 1024 * 1024 + 64 * 1024,
      true,
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 413/);
    expect(hooks.service.isRunning()).toBe(true);
  });

  it('cuts slow-loris connections at the header deadline and serves others meanwhile', async () => {
    const port = Number(new URL(hooks.url).port);
    const sockets = Array.from({ length: 20 }, () => {
      const s = connect({ host: '127.0.0.1', port, ca: readFileSync(hooks.caFile) });
      s.on('error', () => {});
      s.on('secureConnect', () => s.write('POST /validate/pods HTTP/1.1\r\nHost: x\r\n'));
      return s;
    });
    const closed = sockets.map(
      (s) =>
        new Promise<number>((resolve) => {
          const t0 = Date.now();
          s.on('close', () => resolve(Date.now() - t0));
        }),
    );
    // Meanwhile a real review is answered at once.
    const a = await post(hooks, '/validate/pods', JSON.stringify(VALID), { agent });
    expectWellFormed(a, 'fuzz-0');
    const times = await Promise.race([
      Promise.all(closed),
      new Promise<'hang'>((r) => setTimeout(() => r('hang'), 20_000)),
    ]);
    expect(times).not.toBe('hang');
    for (const s of sockets) s.destroy();
  });

  it('replaces its certificate on disk while kube-apiserver keeps calling, with no failed admission', async () => {
    const servedSerial = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const s = connect(
          {
            host: '127.0.0.1',
            port: Number(new URL(hooks.url).port),
            ca: readFileSync(hooks.caFile),
          },
          () => {
            resolve(s.getPeerCertificate().serialNumber);
            s.destroy();
          },
        );
        s.on('error', reject);
      });
    const serials = new Set([await servedSerial()]);
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const loop = async (i: number): Promise<void> => {
      for (let n = 0; !stop; n++) {
        // A server-side dry run goes through admission, so the API server calls the webhook.
        const res = await apiRequest(
          cp,
          'POST',
          `/apis/k8s.cni.cncf.io/v1/namespaces/${ns}/network-attachment-definitions?dryRun=All`,
          {
            body: {
              apiVersion: 'k8s.cni.cncf.io/v1',
              kind: 'NetworkAttachmentDefinition',
              metadata: { name: `rot-${i}-${n}`, namespace: ns },
              spec: {
                config:
                  '{"cniVersion":"1.0.0","type":"macvlan","master":"eth1","mode":"bridge","ipam":{"type":"static"}}',
              },
            },
          },
        );
        if (res.status === 201) ok++;
        else failures.push(`${res.status} ${res.body.slice(0, 200)}`);
      }
    };
    const loops = [0, 1, 2].map(loop);
    for (let r = 0; r < 4; r++) {
      await new Promise((res) => setTimeout(res, 700));
      hooks.rotateCertificate();
      const deadline = Date.now() + 15_000;
      const before = serials.size;
      while (serials.size === before && Date.now() < deadline) {
        serials.add(await servedSerial());
        await new Promise((res) => setTimeout(res, 100));
      }
    }
    await new Promise((res) => setTimeout(res, 700));
    stop = true;
    await Promise.all(loops);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(20);
    expect(serials.size).toBe(5);
  });

  it('on SIGTERM stops accepting, finishes the review in flight, cuts a rejected upload, and exits 0', async () => {
    const port = Number(new URL(hooks.url).port);
    // A huge body announced and trickled: answered 413, drained while it keeps coming. Not worth
    // waiting for on shutdown: it must not hold the process until the shutdown timeout.
    const upload = connect({ host: '127.0.0.1', port, ca: readFileSync(hooks.caFile) }, () =>
      upload.write(
        `POST /validate/pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${7 * 1024 * 1024}\r\n\r\n{`,
      ),
    );
    upload.on('error', () => {});
    const trickle = setInterval(() => upload.write(' '), 200);
    let signalled = 0;
    const body = JSON.stringify({ ...VALID, request: { ...VALID.request, uid: 'in-flight' } });
    const answer = new Promise<string>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, ca: readFileSync(hooks.caFile) }, () => {
        // Headers and half the body now; the rest after SIGTERM.
        s.write(
          `POST /validate/pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 100)}`,
        );
      });
      let text = '';
      s.setEncoding('utf8');
      s.on('data', (c: string) => (text += c));
      s.on('close', () => resolve(text));
      s.on('error', reject);
      setTimeout(() => {
        signalled = Date.now();
        process.kill(hooks.service.pid, 'SIGTERM');
        setTimeout(() => s.write(body.slice(100)), 500);
      }, 300);
    });
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(text).toContain('"uid":"in-flight"');
    expect(text.toLowerCase()).toContain('connection: close');
    // Soon after the review in flight (answered 500 ms after the signal), far within the 15 s
    // shutdown timeout: the trickling upload does not hold it.
    const deadline = Date.now() + 20_000;
    while (hooks.service.isRunning() && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    clearInterval(trickle);
    upload.destroy();
    expect(hooks.service.isRunning()).toBe(false);
    expect(Date.now() - signalled).toBeLessThan(5000);
    expect(readFileSync(hooks.service.logFile, 'utf8')).toContain('"msg":"stopped"');
  });
});
