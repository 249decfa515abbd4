// Benchmark of the admission webhooks (issue 8): AdmissionReviews for a pod with a 4-element
// JSON networks annotation and for a macvlan NAD, sent over HTTPS keep-alive by a separate Go
// process at 1 and 64 connections, to `plexus webhooks` (its NAD cache fed by a real
// kube-apiserver) and, side by side in the same run, to a bare Node HTTPS server that only
// parses and answers (the floor). Reports throughput, p50/p99 and RSS at rest and under load,
// with the machine's load average; fails (exit 1 through bench/run.ts) when a target is missed:
// p99 ≤ 1 ms at 1 connection, ≥ 12,000 reviews/s with p99 ≤ 20 ms at 64, RSS ≤ 100 MB.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { stripTypeScriptTypes } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NETWORKS_ANNOTATION } from '../api/npwg/index.ts';
import {
  BENCH_NETWORKS_ANNOTATION,
  BENCH_POD_NAMESPACE,
  CNI_CONFIG_EXAMPLES,
} from '../api/testing/index.ts';
import { startControlPlane } from '../devcluster/control-plane.ts';
import { resolveGoBuild } from '../devcluster/go-builds.ts';
import { kubectl } from '../devcluster/kube.ts';
import { createRun } from '../devcluster/run.ts';
import {
  WEBHOOK_NODE_FLAGS,
  nodeCompileCacheDir,
  startDevWebhooks,
} from '../devcluster/webhooks.ts';
import { createCa, issueServingCert } from '../webhooks/index.ts';

const TARGETS = { p99OneConnMs: 1, perSecond64: 12_000, p99At64Ms: 20, rssMb: 100 };
const NODE = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
const FLOOR = fileURLToPath(new URL('./webhook-floor-server.ts', import.meta.url));
const LOADGEN = fileURLToPath(new URL('./go/admission-load', import.meta.url));
const SECONDS = Number(process.env.PLEXUS_BENCH_SECONDS ?? 5);
/** The load process's HTTP client: raw (its own, lighter) or nethttp (Go's net/http). */
const CLIENT = process.env.PLEXUS_BENCH_CLIENT ?? 'raw';

interface LoadResult {
  conns: number;
  requests: number;
  failures: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  firstError?: string;
}

/** CPU seconds (user + system) used so far by a process and all its descendants. */
function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  const visit = (p: number): void => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
      for (const t of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim();
        for (const k of kids === '' ? [] : kids.split(' ')) visit(Number(k));
      }
    } catch {
      // gone
    }
  };
  visit(pid);
  return ticks / 100; // USER_HZ
}

/** RSS in MB of a process and all its descendants. */
function treeRssMb(pid: number): number {
  let kb = 0;
  const visit = (p: number): void => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      kb += Number(m?.[1] ?? 0);
      for (const t of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim();
        for (const k of kids === '' ? [] : kids.split(' ')) visit(Number(k));
      }
    } catch {
      // gone
    }
  };
  visit(pid);
  return kb / 1024;
}

function review(
  object: unknown,
  kind: { group: string; version: string; kind: string },
  resource: string,
): string {
  const meta = (object as { metadata: { name: string; namespace: string } }).metadata;
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      kind,
      resource: { group: kind.group, version: kind.version, resource },
      requestKind: kind,
      requestResource: { group: kind.group, version: kind.version, resource },
      name: meta.name,
      namespace: meta.namespace,
      operation: 'CREATE',
      userInfo: { username: 'admin', groups: ['system:masters', 'system:authenticated'] },
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  });
}

const BENCH_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'checkout-7d9f8b6c5d-x2x7q',
    generateName: 'checkout-7d9f8b6c5d-',
    namespace: BENCH_POD_NAMESPACE,
    uid: '0b6f2c43-3f0e-4f39-9d36-1c2b8f1a5e10',
    labels: { app: 'checkout', 'pod-template-hash': '7d9f8b6c5d' },
    annotations: { [NETWORKS_ANNOTATION]: BENCH_NETWORKS_ANNOTATION },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'checkout-7d9f8b6c5d',
        uid: 'a1b2c3d4-0000-4000-8000-000000000001',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'registry.example/checkout:1.4.2',
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        resources: { requests: { cpu: '100m', memory: '128Mi' } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default',
    schedulerName: 'default-scheduler',
    tolerations: [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ],
    priority: 0,
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
  },
  status: { phase: 'Pending', qosClass: 'Burstable' },
};

const macvlanExample = CNI_CONFIG_EXAMPLES.find((e) => e.nadName === 'macvlan-conf');
const BENCH_NAD = {
  apiVersion: 'k8s.cni.cncf.io/v1',
  kind: 'NetworkAttachmentDefinition',
  metadata: { name: 'macvlan-conf', namespace: BENCH_POD_NAMESPACE },
  spec: { config: macvlanExample?.config ?? '' },
};

/** The NADs the bench pod's annotation names, so its review passes every check. */
function benchNads(): unknown[] {
  const refs = (
    JSON.parse(BENCH_NETWORKS_ANNOTATION) as { name: string; namespace?: string }[]
  ).map((e) => ({
    name: e.name,
    namespace: e.namespace ?? BENCH_POD_NAMESPACE,
  }));
  return refs.map((r) => ({
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: r,
    spec: {
      config: JSON.stringify({
        cniVersion: '1.0.0',
        name: r.name,
        type: 'macvlan',
        master: 'eth1',
        mode: 'bridge',
        ipam: { type: 'static' },
      }),
    },
  }));
}

function runLoad(bin: string, args: string[]): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`admission-load exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as LoadResult);
    });
  });
}

async function startFloor(
  certFile: string,
  keyFile: string,
  nodeFlags: readonly string[],
): Promise<{ child: ChildProcess; port: number }> {
  // Plain JavaScript, as plexus webhooks runs from the stripped build: no TypeScript loader in
  // either process (it costs about 20 MB of RSS).
  const script = join(dirname(certFile), 'floor-server.mjs');
  writeFileSync(script, stripTypeScriptTypes(readFileSync(FLOOR, 'utf8')));
  const child = spawn(NODE, [...nodeFlags, script, '0', certFile, keyFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_COMPILE_CACHE: nodeCompileCacheDir() },
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (c: Buffer) =>
      resolve(Number(/listening (\d+)/.exec(c.toString())?.[1])),
    );
    child.once('exit', (code) => reject(new Error(`floor server exited ${code}`)));
  });
  return { child, port };
}

interface Row {
  server: string;
  review: string;
  result: LoadResult;
  rssPeakMb: number;
  /** Server CPU time per review, µs: the figure a busy machine disturbs least. */
  cpuUsPerReview: number;
}

async function measureOne(
  bin: string,
  target: { name: string; url: string; ca: string; pid: number },
  body: { name: string; file: string; path: string },
  conns: number,
): Promise<Row> {
  let peak = treeRssMb(target.pid);
  const cpu0 = treeCpuSeconds(target.pid);
  const sampler = setInterval(() => (peak = Math.max(peak, treeRssMb(target.pid))), 100);
  try {
    const result = await runLoad(bin, [
      `-url=${target.url}${body.path}`,
      `-ca=${target.ca}`,
      `-body=${body.file}`,
      `-conns=${conns}`,
      `-client=${CLIENT}`,
      '-warmup=1s',
      `-duration=${SECONDS}s`,
    ]);
    const cpu = treeCpuSeconds(target.pid) - cpu0;
    // The warm-up second is in the CPU time but not in the count: scale the count up to match.
    const reviews = result.requests * ((SECONDS + 1) / SECONDS);
    const cpuUsPerReview = (cpu * 1e6) / Math.max(reviews, 1);
    return { server: target.name, review: body.name, result, rssPeakMb: peak, cpuUsPerReview };
  } finally {
    clearInterval(sampler);
  }
}

function fmt(r: Row): string {
  const x = r.result;
  return `${r.server.padEnd(8)} ${r.review.padEnd(4)} conns=${String(x.conns).padStart(2)}  ${Math.round(x.perSecond).toLocaleString('en-US').padStart(7)} reviews/s  p50 ${x.p50Ms.toFixed(2)} ms  p99 ${x.p99Ms.toFixed(2)} ms  max ${x.maxMs.toFixed(1)} ms  failures ${x.failures}  server CPU ${r.cpuUsPerReview.toFixed(0)} µs/review  RSS peak ${r.rssPeakMb.toFixed(0)} MB`;
}

function checkTargets(rows: readonly Row[], restMb: number): string[] {
  const missed: string[] = [];
  for (const r of rows.filter((x) => x.server === 'plexus')) {
    const x = r.result;
    if (x.failures > 0)
      missed.push(
        `${r.review} conns=${x.conns}: ${x.failures} failed answers (${x.firstError ?? ''})`,
      );
    if (x.conns === 1 && x.p99Ms > TARGETS.p99OneConnMs)
      missed.push(`${r.review} conns=1: p99 ${x.p99Ms} ms > ${TARGETS.p99OneConnMs} ms`);
    if (x.conns === 64 && x.perSecond < TARGETS.perSecond64)
      missed.push(
        `${r.review} conns=64: ${Math.round(x.perSecond)} reviews/s < ${TARGETS.perSecond64}`,
      );
    if (x.conns === 64 && x.p99Ms > TARGETS.p99At64Ms)
      missed.push(`${r.review} conns=64: p99 ${x.p99Ms} ms > ${TARGETS.p99At64Ms} ms`);
    if (r.rssPeakMb > TARGETS.rssMb)
      missed.push(`RSS under load ${r.rssPeakMb.toFixed(0)} MB > ${TARGETS.rssMb} MB`);
  }
  if (restMb > TARGETS.rssMb)
    missed.push(`RSS at rest ${restMb.toFixed(0)} MB > ${TARGETS.rssMb} MB`);
  return missed;
}

/** Runs the whole benchmark; false when a target was missed. */
export async function measure(): Promise<boolean> {
  const run = createRun();
  const floorHolder: { child?: ChildProcess } = {};
  try {
    const load = await resolveGoBuild({ name: 'admission-load', source: LOADGEN });
    const cp = await startControlPlane({ run, log: () => {} });
    for (const ns of ['payments', 'net-infra', 'storage'])
      await kubectl(cp, ['create', 'namespace', ns]);
    await kubectl(cp, ['apply', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: benchNads() }),
    });
    const flags = process.env.PLEXUS_BENCH_NODE_FLAGS;
    // Both servers run with the same Node flags (the Deployment's unless told otherwise).
    const nodeFlags =
      flags === undefined ? WEBHOOK_NODE_FLAGS : flags.split(' ').filter((f) => f !== '');
    const hooks = await startDevWebhooks({
      controlPlane: cp,
      run,
      args: ['--log-level=warn'],
      nodeFlags,
    });
    const dir = join(run.dir, 'bench');
    mkdirSync(dir, { recursive: true });
    const bodies = [
      {
        name: 'pod',
        file: join(dir, 'pod.json'),
        path: '/validate/pods',
        text: review(BENCH_POD, { group: '', version: 'v1', kind: 'Pod' }, 'pods'),
      },
      {
        name: 'nad',
        file: join(dir, 'nad.json'),
        path: '/validate/network-attachment-definitions',
        text: review(
          BENCH_NAD,
          { group: 'k8s.cni.cncf.io', version: 'v1', kind: 'NetworkAttachmentDefinition' },
          'network-attachment-definitions',
        ),
      },
    ];
    for (const b of bodies) writeFileSync(b.file, b.text);
    // The floor gets a certificate of the same kind (ECDSA P-256) from its own CA.
    const ca = createCa('bench-floor-ca', { validDays: 1 });
    const leaf = issueServingCert(ca, ['127.0.0.1'], { validDays: 1 });
    const floorFiles = {
      ca: join(dir, 'floor-ca.crt'),
      cert: join(dir, 'floor.crt'),
      key: join(dir, 'floor.key'),
    };
    writeFileSync(floorFiles.ca, ca.cert);
    writeFileSync(floorFiles.cert, leaf.cert);
    writeFileSync(floorFiles.key, leaf.key);
    const floor = await startFloor(floorFiles.cert, floorFiles.key, nodeFlags);
    floorHolder.child = floor.child;
    const targets = [
      { name: 'plexus', url: hooks.url, ca: hooks.caFile, pid: hooks.service.pid },
      {
        name: 'floor',
        url: `https://127.0.0.1:${floor.port}`,
        ca: floorFiles.ca,
        pid: floor.child.pid ?? 0,
      },
    ];
    await new Promise((r) => setTimeout(r, 1000));
    const restMb = treeRssMb(hooks.service.pid);
    const floorRestMb = treeRssMb(floor.child.pid ?? 0);
    const load0 = loadavg();
    const rows: Row[] = [];
    const only = process.env.PLEXUS_BENCH_ONLY; // e.g. "pod-64" while tuning
    for (const conns of [1, 64])
      for (const body of bodies)
        for (const target of targets)
          if (only === undefined || only === `${body.name}-${conns}`)
            rows.push(await measureOne(load.bin ?? '', target, body, conns));
    const load1 = loadavg();
    console.log(
      `machine: ${cpus().length} CPUs, load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${load1.map((l) => l.toFixed(2)).join(' ')}; ${SECONDS} s per run after 1 s warm-up; load client ${CLIENT}`,
    );
    console.log(
      `RSS at rest: plexus webhooks ${restMb.toFixed(0)} MB, floor ${floorRestMb.toFixed(0)} MB`,
    );
    for (const r of rows) console.log(fmt(r));
    for (const conns of [1, 64])
      for (const body of bodies) {
        const p = rows.find(
          (r) => r.server === 'plexus' && r.review === body.name && r.result.conns === conns,
        );
        const f = rows.find(
          (r) => r.server === 'floor' && r.review === body.name && r.result.conns === conns,
        );
        if (p && f)
          console.log(
            `ratio plexus/floor ${body.name} conns=${conns}: throughput ${(p.result.perSecond / f.result.perSecond).toFixed(2)}, p99 ${(p.result.p99Ms / Math.max(f.result.p99Ms, 0.001)).toFixed(2)}`,
          );
      }
    const missed = checkTargets(rows, restMb);
    console.log(
      missed.length === 0 ? 'targets: all met' : `targets MISSED:\n  ${missed.join('\n  ')}`,
    );
    return missed.length === 0;
  } finally {
    floorHolder.child?.kill('SIGTERM');
    await run.close();
  }
}
