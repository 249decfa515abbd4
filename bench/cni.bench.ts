// CNI ADD and DEL of a pod with the cluster network and two macvlan attachments, through
// Plexus (libcni → shim → agent → delegates) against the same delegates called directly by
// libcni, interleaved in one run (the order alternates each round). Every time is libcni's own
// call time, measured inside the driver. Targets: ADD overhead ≤ 10 ms p50 (the median of the
// per-round differences), agent RSS ≤ 80 MB. Then the same with the agent adding attachments
// concurrently. Also reported: the machine's load, the agent's API requests per ADD and DEL.
import { readFileSync } from 'node:fs';
import { createRun } from '../devcluster/run.ts';
import type { Run } from '../devcluster/run.ts';
import { createNetns, deleteNetns, netnsPath } from '../devcluster/netns.ts';
import { missingPrereqs } from '../devcluster/prereqs.ts';
import type { DevAgent } from '../devcluster/agents.ts';
import { benchPod, startBenchAgent, startBenchCluster } from './cni-setup.ts';
import type { CniBenchCluster } from './cni-setup.ts';

const ROUNDS = Number(process.env.PLEXUS_BENCH_CNI_ROUNDS ?? 60);
const WARMUP = 5;
const TARGET_OVERHEAD_MS = 10;
const TARGET_RSS_MB = 80;

interface Round {
  plexusAdd: number;
  plexusDel: number;
  directAdd: number;
  directDel: number;
}

const q = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};
const ms = (x: number): string => `${x.toFixed(1)} ms`;
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function vm(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
}

/** One round: a fresh pod namespace, ADD and DEL through Plexus and directly, in `order`. */
async function round(c: CniBenchCluster, run: Run, i: number): Promise<Round> {
  const ns = `${run.nsPrefix}b-${i}`;
  await createNetns(ns);
  const netns = netnsPath(ns);
  const r: Round = { plexusAdd: 0, plexusDel: 0, directAdd: 0, directDel: 0 };
  const plexus = async (): Promise<void> => {
    const at = { containerId: `plexus-${i}`, netns, ifName: 'eth0', args: c.args };
    r.plexusAdd = (await c.driver.add(at)).micros / 1000;
    r.plexusDel = (await c.driver.del(at)).micros / 1000;
  };
  const direct = async (): Promise<void> => {
    const at = { containerId: `direct-${i}`, netns, args: c.args };
    for (const [conf, ifName] of c.direct)
      r.directAdd += (await c.driver.add({ ...at, conf, ifName })).micros / 1000;
    for (const [conf, ifName] of [...c.direct].reverse())
      r.directDel += (await c.driver.del({ ...at, conf, ifName })).micros / 1000;
  };
  if (i % 2 === 0) {
    await plexus();
    await direct();
  } else {
    await direct();
    await plexus();
  }
  await deleteNetns(ns);
  return r;
}

async function measureRounds(c: CniBenchCluster, run: Run, offset: number): Promise<Round[]> {
  const rounds: Round[] = [];
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    const r = await round(c, run, offset + i);
    if (i >= WARMUP) rounds.push(r);
  }
  return rounds;
}

/** Prints one comparison; true when the ADD overhead target is met. A variant run for scale
 * (`forScale`) prints its overhead without a verdict: the target is the default agent's. */
function report(label: string, rounds: readonly Round[], forScale = false): boolean {
  const col = (k: keyof Round): number[] => rounds.map((r) => r[k]);
  const diff = (a: keyof Round, b: keyof Round): number[] => rounds.map((r) => r[a] - r[b]);
  const addOverhead = q(diff('plexusAdd', 'directAdd'), 0.5);
  const ok = addOverhead <= TARGET_OVERHEAD_MS;
  for (const [op, p, d] of [
    ['ADD', 'plexusAdd', 'directAdd'],
    ['DEL', 'plexusDel', 'directDel'],
  ] as const) {
    console.log(
      `${label} ${op}: Plexus p50 ${ms(q(col(p), 0.5))} p99 ${ms(q(col(p), 0.99))}; direct p50 ${ms(q(col(d), 0.5))} p99 ${ms(q(col(d), 0.99))}; ` +
        `ratio ${(q(col(p), 0.5) / q(col(d), 0.5)).toFixed(2)}; overhead p50 ${ms(q(diff(p, d), 0.5))} (per-round difference)`,
    );
  }
  console.log(
    forScale
      ? `${label} ADD overhead p50 ${ms(addOverhead)} (for scale, not the default; the target is checked on sequential)`
      : `${label} ADD overhead target ≤ ${TARGET_OVERHEAD_MS} ms p50: ${ok ? 'met' : 'MISSED'} (${ms(addOverhead)})`,
  );
  return ok;
}

/** The fixed cost of the hop alone: STATUS through libcni, the shim and the agent (Debian's
 * plugins speak no STATUS, so no delegate runs). */
async function hopFloor(c: CniBenchCluster): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < 40; i++) times.push((await c.driver.status()).micros / 1000);
  console.log(
    `libcni → shim → agent → answer (STATUS, no delegate): p50 ${ms(q(times, 0.5))} p99 ${ms(q(times, 0.99))}`,
  );
}

/** The agent's API requests by method/resource from its /metrics. */
async function apiRequests(agent: DevAgent): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await agent.get('/metrics')).body.split('\n')) {
    const m =
      /^plexus_agent_api_requests_total\{method="(\w+)",resource="([^"]+)"[^}]*\} (\d+)/.exec(line);
    if (m !== null) out.set(`${m[1]} ${m[2]}`, Number(m[3]));
  }
  return out;
}

/** API requests per ADD and per DEL over `n` pods (events are written after the answer: waited for). */
async function requestsPerOp(
  c: CniBenchCluster,
  run: Run,
  agent: DevAgent,
  n: number,
): Promise<void> {
  const ats = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const ns = `${run.nsPrefix}q-${i}`;
      await createNetns(ns);
      // A pod object of its own each, as on a real node (created a moment before, as kubelet sees it).
      const args = await benchPod(c, `bench-q-${i}`);
      return { containerId: `req-${i}`, netns: netnsPath(ns), ifName: 'eth0', args };
    }),
  );
  const delta = async (fn: () => Promise<void>): Promise<string> => {
    const before = await apiRequests(agent);
    await fn();
    await new Promise((r) => setTimeout(r, 1500));
    const after = await apiRequests(agent);
    const parts = [...after]
      .map(([k, v]) => [k, (v - (before.get(k) ?? 0)) / n] as const)
      .filter(([, v]) => v > 0);
    return parts.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ') || 'none';
  };
  console.log(
    `API requests per ADD: ${await delta(async () => void (await Promise.all(ats.map((a) => c.driver.add(a)))))}`,
  );
  console.log(
    `API requests per DEL: ${await delta(async () => void (await Promise.all(ats.map((a) => c.driver.del(a)))))}`,
  );
}

export async function measure(): Promise<boolean> {
  const missing = missingPrereqs();
  if (missing.length > 0) {
    console.log(`cannot run: missing ${missing.join('; ')}`);
    return false;
  }
  const r = createRun();
  try {
    const c = await startBenchCluster(r);
    console.log(
      `load average at start: ${load()} (2 cores here; the lead re-runs on a quiet machine)`,
    );
    let agent = await startBenchAgent(r, c);
    const sequential = report('sequential', await measureRounds(c, r, 0));
    await hopFloor(c);
    await requestsPerOp(c, r, agent, 20);
    const rss = vm(agent.service.pid, 'VmRSS');
    const peak = vm(agent.service.pid, 'VmHWM');
    const rssOk = peak <= TARGET_RSS_MB;
    console.log(
      `agent RSS ${rss.toFixed(0)} MB, peak ${peak.toFixed(0)} MB — target ≤ ${TARGET_RSS_MB} MB: ${rssOk ? 'met' : 'MISSED'}`,
    );
    // For scale: waiting for the network-status write inside ADD, as Multus thick does.
    for (const [label, flags, offset] of [
      ['status written inside ADD (--status-wait=5000)', ['--status-wait=5000'], 10_000],
      ['concurrent attachments', ['--concurrent-attachments'], 20_000],
    ] as const) {
      await agent.service.stop();
      await agent.forwarder.stop();
      agent = await startBenchAgent(r, c, [...flags]);
      report(label, await measureRounds(c, r, offset), true);
    }
    console.log(`load average at end: ${load()}`);
    return sequential && rssOk;
  } finally {
    await r.close();
  }
}
