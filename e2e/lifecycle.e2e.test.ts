// Start-up and clean-up of the harness itself: a second start reuses the cached
// binaries (and reports cold and warm start times), and a run leaves no process,
// namespace or dir behind — when closed, when interrupted (SIGTERM/SIGINT), and
// when its owner is SIGKILLed (the next run reaps it).
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { controlPlane, skipReason, testRun } from './context.ts';
import { resolveBinaries } from '../devcluster/binaries.ts';
import { startControlPlane } from '../devcluster/control-plane.ts';
import { apiRequest } from '../devcluster/kube.ts';
import { listNetns } from '../devcluster/netns.ts';
import { isAlive, pidsMentioning, waitFor } from '../devcluster/proc.ts';
import { reapDeadRuns } from '../devcluster/run.ts';

const HOLD_RUN = fileURLToPath(new URL('./fixtures/hold-run.ts', import.meta.url));
// The fixture is TypeScript run by Node's type stripping: use the project's pinned Node (the
// `node` package) when present, since vitest may have been started by an older system Node.
const PINNED_NODE = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
const NODE = existsSync(PINNED_NODE) ? PINNED_NODE : process.execPath;

interface Held {
  id: string;
  dir: string;
  nsPrefix: string;
  pids: number[];
}

/** Starts the fixture in its own process and waits for its description line. */
function startHeld(): Promise<{ child: ReturnType<typeof spawn>; held: Held }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [HOLD_RUN], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, held: JSON.parse(out.slice(0, nl)) as Held });
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('exit', (code, signal) =>
      reject(new Error(`hold-run exited early (${code ?? signal}):\n${err}`)),
    );
  });
}

function leftovers(h: { dir: string; nsPrefix: string }): {
  pids: number[];
  netns: string[];
  dir: boolean;
} {
  return {
    pids: pidsMentioning(h.dir),
    netns: listNetns().filter((n) => n.startsWith(h.nsPrefix)),
    dir: existsSync(h.dir),
  };
}

const NOTHING = { pids: [], netns: [], dir: false };

describe.skipIf(skipReason() !== null)('harness start-up and clean-up', () => {
  it('reuses the cached binaries on a second start (warm start)', async () => {
    const suiteStart = Date.now();
    const bins = await resolveBinaries({ build: false });
    for (const b of [bins.kubeApiserver, bins.kubectl, bins.etcd]) {
      expect(['cache', 'env']).toContain(b.source);
      // Not rebuilt by this resolution.
      expect(statSync(b.path).mtimeMs).toBeLessThan(suiteStart);
    }
    expect(bins.seconds).toBeLessThan(5);

    const run = testRun();
    try {
      const cp = await startControlPlane({ run, binaries: bins, log: () => {} });
      const first = controlPlane().timings;
      const t = cp.timings;
      // Shown in the test output so the cold (first, possibly building) and warm start times can be read off.
      console.log(
        `[e2e timings] shared control plane (binaries: ${first.binariesSource}): ${first.totalSeconds.toFixed(1)} s ` +
          `(binaries ${first.binariesSeconds.toFixed(1)} s); warm start: ${t.totalSeconds.toFixed(1)} s ` +
          `(binaries ${t.binariesSeconds.toFixed(2)} s, pki ${t.pkiSeconds.toFixed(1)} s, etcd ${t.etcdSeconds.toFixed(1)} s, ` +
          `apiserver ${t.apiserverSeconds.toFixed(1)} s, ${cp.crds.length} CRDs ${t.crdsSeconds.toFixed(1)} s)`,
      );
      expect(t.binariesSource).not.toContain('built');
      expect(t.totalSeconds).toBeLessThan(90);
      expect((await apiRequest(cp, 'GET', '/readyz')).status).toBe(200);
      expect(isAlive(cp.etcd.pid) && isAlive(cp.apiserver.pid)).toBe(true);
    } finally {
      await run.close();
    }
    expect(leftovers(run)).toEqual(NOTHING);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`cleans up when the owning process gets ${signal}`, async () => {
      const { child, held } = await startHeld();
      const exited = new Promise((r) => child.once('exit', r));
      expect(held.pids.every(isAlive)).toBe(true);
      expect(leftovers(held).netns.length).toBeGreaterThanOrEqual(3); // fabric, host, pod
      child.kill(signal);
      await exited;
      expect(leftovers(held)).toEqual(NOTHING);
    });
  }

  it('leaves nothing once the next run reaps a SIGKILLed owner', async () => {
    const { child, held } = await startHeld();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    // The kernel kills etcd and kube-apiserver with their parent (parent-death signal).
    await waitFor(
      'children of the killed run to die',
      async () => (held.pids.some(isAlive) ? undefined : true),
      { timeoutMs: 10_000 },
    );
    // Its namespaces and dir are still there until someone reaps them.
    expect(leftovers(held).netns.length).toBeGreaterThan(0);
    expect(reapDeadRuns()).toContain(held.id);
    expect(leftovers(held)).toEqual(NOTHING);
  });
});
