export interface BenchCase {
  name: string;
  fn: () => void;
  /** Median throughput the case must reach; `npm run bench` fails below it. */
  minOpsPerSec?: number;
}
