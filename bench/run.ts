// Benchmarks: `npm run bench` runs every bench/*.bench.ts and prints medians.
// Targets are checked here, never in unit tests (the machines are noisy).
// A benchmark module exports `benches: BenchCase[]`, or `measure(): Promise<boolean>` when it
// runs its own load (servers, other processes) and checks its own targets (false: missed).
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { Bench } from 'tinybench';
import type { BenchCase } from './bench-case.ts';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts') && (filter === undefined || f.includes(filter)))
  .sort();
let failed = false;

for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as {
    benches?: BenchCase[];
    measure?: () => Promise<boolean>;
  };
  if (mod.measure !== undefined) {
    console.log(`\n## ${file}`);
    if (!(await mod.measure())) failed = true;
    continue;
  }
  if (mod.benches === undefined) throw new Error(`${file} exports neither benches nor measure`);
  const benches = mod.benches;
  const bench = new Bench({ time: 2000, warmupTime: 500 });
  for (const c of benches) bench.add(c.name, c.fn);
  await bench.run();
  console.log(`\n## ${file}`);
  for (const task of bench.tasks) {
    const c = benches.find((b) => b.name === task.name);
    const r = task.result;
    if (r === undefined || !('throughput' in r)) {
      console.log(`${task.name}: no result (${task.result?.state ?? 'not run'})`);
      failed = true;
      continue;
    }
    const opsMedian = r.throughput.p50 ?? 0;
    const latMedianUs = (r.latency.p50 ?? 0) * 1000;
    const line = `${task.name}: median ${Math.round(opsMedian).toLocaleString('en-US')} ops/s, median latency ${latMedianUs.toFixed(2)} µs, ${r.latency.samplesCount} samples`;
    if (c?.minOpsPerSec !== undefined) {
      const ok = opsMedian >= c.minOpsPerSec;
      if (!ok) failed = true;
      console.log(
        `${line} — target ≥ ${c.minOpsPerSec.toLocaleString('en-US')} ops/s: ${ok ? 'met' : 'MISSED'} (${(opsMedian / c.minOpsPerSec).toFixed(1)}× target)`,
      );
    } else {
      console.log(line);
    }
  }
}
process.exitCode = failed ? 1 : 0;
