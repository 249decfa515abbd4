// Benchmarks: `npm run bench` runs every bench/*.bench.ts and prints medians.
// Targets are checked here, never in unit tests (the machines are noisy).
// A benchmark module exports `benches: BenchCase[]` (timed with tinybench) and/or
// `scenarios: ScenarioBench[]` (run once, checking their own targets).
// `npm run bench -- operator` runs only the files whose name contains "operator".
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { Bench } from 'tinybench';
import type { BenchCase, ScenarioBench } from './bench-case.ts';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts') && (filter === undefined || f.includes(filter)))
  .sort();
let failed = false;

for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as {
    benches?: BenchCase[];
    scenarios?: ScenarioBench[];
  };
  for (const scenario of mod.scenarios ?? []) {
    console.log(`\n## ${file}: ${scenario.name}`);
    const r = await scenario.run();
    for (const line of r.lines) console.log(line);
    if (!r.ok) failed = true;
  }
  if (mod.benches === undefined) continue;
  const bench = new Bench({ time: 2000, warmupTime: 500 });
  for (const c of mod.benches) bench.add(c.name, c.fn);
  await bench.run();
  console.log(`\n## ${file}`);
  for (const task of bench.tasks) {
    const c = mod.benches.find((b) => b.name === task.name);
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
