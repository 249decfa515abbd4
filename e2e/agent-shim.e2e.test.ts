// The Go shim on its own (built and cached by scripts/build-go.sh), against a stand-in agent on
// a unix socket: it forwards the CNI environment and stdin, prints the answer with the agent's
// exit code, and answers CNI error 11 (50 for STATUS) at once when no agent answers.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipReason } from './context.ts';
import { resolveAgentBuilds } from '../devcluster/agents.ts';

interface Exit {
  code: number | null;
  stdout: string;
}

function runShim(shim: string, env: Record<string, string>, stdin: string): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(shim, [], { env: { PATH: '/usr/bin:/bin', ...env } });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('close', (code) => resolve({ code, stdout }));
    child.stdin.end(stdin);
  });
}

describe.skipIf(skipReason() !== null)('the CNI shim', () => {
  let shim: string;
  let dir: string;
  let server: Server;
  let received: { header: string; stdin: string }[];
  let reply: (socket: Socket) => void;

  beforeAll(async () => {
    shim = (await resolveAgentBuilds()).shim;
    dir = mkdtempSync(join(tmpdir(), 'plexus-shim-'));
    received = [];
    server = createServer({ allowHalfOpen: true }, (socket) => {
      let data = '';
      socket.on('data', (c) => (data += c.toString()));
      socket.on('end', () => {
        const nl = data.indexOf('\n');
        received.push({ header: data.slice(0, nl), stdin: data.slice(nl + 1) });
        reply(socket);
      });
    });
    await new Promise<void>((r) => server.listen(join(dir, 'agent.sock'), r));
  });
  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = {
    CNI_COMMAND: 'ADD',
    CNI_CONTAINERID: 'c1',
    CNI_NETNS: '/var/run/netns/x',
    CNI_IFNAME: 'eth0',
    CNI_ARGS: 'K8S_POD_NAME=web',
    CNI_PATH: '/opt/cni/bin',
    NOT_CNI: 'secret',
  };

  it('forwards the CNI environment (only) and stdin, and prints the answer with its exit code', async () => {
    reply = (s) => s.end('3\n{"answer":true}\n');
    const stdin = JSON.stringify({
      cniVersion: '1.1.0',
      type: 'plexus',
      socketPath: join(dir, 'agent.sock'),
    });
    const out = await runShim(shim, env, stdin);
    expect(out).toEqual({ code: 3, stdout: '{"answer":true}\n' });
    const last = received[received.length - 1];
    const cni: Record<string, string> = { ...env };
    delete cni.NOT_CNI;
    expect(JSON.parse(last?.header ?? '{}')).toEqual({ env: cni });
    expect(last?.stdin).toBe(stdin);
  });

  it('finds the socket from PLEXUS_AGENT_SOCKET when the config names none', async () => {
    reply = (s) => s.end('0\n');
    const out = await runShim(
      shim,
      { ...env, PLEXUS_AGENT_SOCKET: join(dir, 'agent.sock') },
      '{"cniVersion":"1.0.0"}',
    );
    expect(out).toEqual({ code: 0, stdout: '' });
  });

  it('answers error 11 at once without an agent, and 50 for STATUS', async () => {
    const missing = JSON.stringify({ cniVersion: '1.0.0', socketPath: join(dir, 'none.sock') });
    const started = Date.now();
    const out = await runShim(shim, env, missing);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(out.code).toBe(1);
    expect(JSON.parse(out.stdout)).toMatchObject({
      cniVersion: '1.0.0',
      code: 11,
      msg: expect.stringMatching(/not answering/),
    });
    const status = await runShim(shim, { CNI_COMMAND: 'STATUS' }, missing);
    expect(JSON.parse(status.stdout)).toMatchObject({ code: 50 });
  });

  it('answers error 11 when the agent closes without an answer or answers garbage', async () => {
    const conf = JSON.stringify({ cniVersion: '1.0.0', socketPath: join(dir, 'agent.sock') });
    reply = (s) => s.end();
    expect(JSON.parse((await runShim(shim, env, conf)).stdout)).toMatchObject({
      code: 11,
      details: expect.stringMatching(/without an answer/),
    });
    reply = (s) => s.end('not a number\n');
    expect(JSON.parse((await runShim(shim, env, conf)).stdout)).toMatchObject({
      code: 11,
      details: expect.stringMatching(/instead of an exit code/),
    });
  });

  it('refuses stdin over 4 MiB with error 6', async () => {
    const out = await runShim(shim, env, 'x'.repeat(4 * 1024 * 1024 + 10));
    expect(out.code).toBe(1);
    expect(JSON.parse(out.stdout)).toMatchObject({ code: 6 });
  });
});
