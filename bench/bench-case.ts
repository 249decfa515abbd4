export interface BenchCase {
  name: string;
  fn: () => void;
  /** Median throughput the case must reach; `npm run bench` fails below it. */
  minOpsPerSec?: number;
}

/** A benchmark that runs once as a whole (e.g. an operator converging a cluster) and checks
 * its own targets: `npm run bench` prints its lines and fails when `ok` is false. */
export interface ScenarioBench {
  name: string;
  run(): Promise<{ ok: boolean; lines: string[] }>;
}
