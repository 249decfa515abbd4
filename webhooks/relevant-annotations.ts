// Which annotations make a pod (or a workload's pod template) worth checking: the NPWG and
// Multus keys, and look-alikes of them (a misspelt key is the commonest mistake, so it must
// reach the webhook to be warned about), but not the status keys a CNI plugin writes. The
// registration's CEL matchConditions say the same in CEL, so other pods never reach us.
import { isPlainObject } from '../api/common/index.ts';
import { podMetadataOf } from '../api/npwg/index.ts';

const STATUS_KEYS: ReadonlySet<string> = new Set([
  'k8s.v1.cni.cncf.io/network-status',
  'k8s.v1.cni.cncf.io/networks-status',
]);

export function isRelevantKey(key: string): boolean {
  return (key.includes('cni.cncf.io') || key.includes('multus')) && !STATUS_KEYS.has(key);
}

/** The annotations map of a pod, or of a workload's pod template (undefined when absent). */
export function templateAnnotations(
  kind: string,
  obj: unknown,
): Record<string, unknown> | undefined {
  if (!isPlainObject(obj)) return undefined;
  const annotations = podMetadataOf(kind, obj)?.metadata?.annotations;
  return isPlainObject(annotations) ? annotations : undefined;
}

export function hasRelevantAnnotation(annotations: Record<string, unknown> | undefined): boolean {
  if (annotations === undefined) return false;
  for (const key in annotations) if (isRelevantKey(key)) return true;
  return false;
}

/** True when a relevant annotation was added, removed or changed. */
export function relevantAnnotationsChanged(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): boolean {
  const seen = new Set<string>();
  for (const key in after ?? {}) {
    if (!isRelevantKey(key)) continue;
    seen.add(key);
    if (before?.[key] !== after?.[key]) return true;
  }
  for (const key in before ?? {}) if (isRelevantKey(key) && !seen.has(key)) return true;
  return false;
}

const CEL_KEY_TEST = `(k.contains('cni.cncf.io') || k.contains('multus')) && ${[...STATUS_KEYS]
  .map((k) => `k != '${k}'`)
  .join(' && ')}`;

/** CEL: true when the map at `path` (dotted, under `object`) has a relevant key. Every step is
 * guarded by has(), since a missing field is a CEL error and errors fail the request. */
function celAnnotationsTest(path: readonly string[]): string {
  const steps: string[] = [];
  for (let i = 1; i <= path.length; i++) steps.push(`has(object.${path.slice(0, i).join('.')})`);
  return `(${steps.join(' && ')} && object.${path.join('.')}.exists(k, ${CEL_KEY_TEST}))`;
}

/** matchConditions expression for Pods. */
export const POD_MATCH_CEL = celAnnotationsTest(['metadata', 'annotations']);

/** matchConditions expression for workloads: a pod template under spec.template, or under
 * spec.jobTemplate.spec.template (CronJob). */
export const WORKLOAD_MATCH_CEL = [
  celAnnotationsTest(['spec', 'template', 'metadata', 'annotations']),
  celAnnotationsTest(['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'annotations']),
].join(' || ');
