// Target (issue 2): validating a pod annotation with 4 JSON elements reaches
// at least 50,000 validations/s on one core. Two inputs: the same annotation
// every time (replicas of one workload) and a pool of 4,096 annotations with
// distinct addresses and MACs, so no cache anywhere can flatter the figure.
import { checkPodNetworkAnnotations, NETWORKS_ANNOTATION } from '../api/npwg/index.ts';
import { BENCH_NETWORKS_ANNOTATION, BENCH_POD_NAMESPACE } from '../api/testing/index.ts';
import type { BenchCase } from './bench-case.ts';

const TARGET = 50_000;

function variant(i: number): string {
  const a = (i >> 8) & 0xff;
  const b = i & 0xff;
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return BENCH_NETWORKS_ANNOTATION.replaceAll('192.168.50.17', `192.168.${a}.${b}`)
    .replace('192.168.50.1"', `192.168.${a}.1"`)
    .replace('192.168.50.1]', `192.168.${a}.1]`)
    .replace('fd00:50::17', `fd00:${hex(a)}::${hex(b)}`)
    .replace('02:42:c0:a8:32:11', `02:42:c0:a8:${hex(a)}:${hex(b)}`)
    .replace('173.17.34.20', `173.17.${a}.${b}`);
}

const pool = Array.from({ length: 4096 }, (_, i) => ({ [NETWORKS_ANNOTATION]: variant(i + 1) }));
const same = { [NETWORKS_ANNOTATION]: BENCH_NETWORKS_ANNOTATION };
// Guard: a benchmark of inputs that fail validation would measure the wrong path.
for (const annotations of [same, pool[0], pool[4095]]) {
  const r = checkPodNetworkAnnotations(annotations, BENCH_POD_NAMESPACE);
  const errors = r.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0 || r.value?.attachments.length !== 4)
    throw new Error(`bench input is not valid: ${JSON.stringify(errors)}`);
}

let sink = 0;
let next = 0;

export const benches: BenchCase[] = [
  {
    name: 'pod annotation, 4 JSON elements, same input',
    minOpsPerSec: TARGET,
    fn: () => {
      sink += checkPodNetworkAnnotations(same, BENCH_POD_NAMESPACE).value?.attachments.length ?? 0;
    },
  },
  {
    name: 'pod annotation, 4 JSON elements, 4,096 distinct inputs',
    minOpsPerSec: TARGET,
    fn: () => {
      next = (next + 1) & 4095;
      sink +=
        checkPodNetworkAnnotations(pool[next], BENCH_POD_NAMESPACE).value?.attachments.length ?? 0;
    },
  },
];

export function sinkValue(): number {
  return sink;
}
