// Where a pod's annotations live in each workload kind. The networks
// annotation is read from the pod template, so a Deployment is checked the
// way its pods will be at admission time.
import { isPlainObject } from '../common/json-value.ts';

export interface PodMetaLocation {
  /** Field path of the pod template's metadata, e.g. `spec.template.metadata`. */
  path: string;
  /** The metadata object found there, if any. */
  metadata: Record<string, unknown> | undefined;
}

const TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Pod: ['metadata'],
  Deployment: ['spec', 'template', 'metadata'],
  StatefulSet: ['spec', 'template', 'metadata'],
  DaemonSet: ['spec', 'template', 'metadata'],
  ReplicaSet: ['spec', 'template', 'metadata'],
  ReplicationController: ['spec', 'template', 'metadata'],
  Job: ['spec', 'template', 'metadata'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'],
  PodTemplate: ['template', 'metadata'],
};

const WORKLOAD_API_VERSIONS: Record<string, readonly string[]> = {
  Pod: ['v1'],
  ReplicationController: ['v1'],
  PodTemplate: ['v1'],
  Deployment: ['apps/v1'],
  StatefulSet: ['apps/v1'],
  DaemonSet: ['apps/v1'],
  ReplicaSet: ['apps/v1'],
  Job: ['batch/v1'],
  CronJob: ['batch/v1'],
};

export function isPodCarrier(kind: string, apiVersion: string): boolean {
  return WORKLOAD_API_VERSIONS[kind]?.includes(apiVersion) ?? false;
}

export function podMetadataOf(
  kind: string,
  obj: Record<string, unknown>,
): PodMetaLocation | undefined {
  const path = TEMPLATE_PATHS[kind];
  if (path === undefined) return undefined;
  let cur: unknown = obj;
  for (const key of path) cur = isPlainObject(cur) ? cur[key] : undefined;
  return { path: path.join('.'), metadata: isPlainObject(cur) ? cur : undefined };
}
