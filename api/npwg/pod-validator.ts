// The admission seam for pods and the pod templates of workloads: one object
// with create and update, shaped as controller-runtime's CustomValidator, that
// the webhook and `plexus validate` both call. Pure: the NAD references come
// back as data; checkNadReferences judges them once the caller looked them up.
import { warning } from '../common/findings.ts';
import { isPlainObject } from '../common/json-value.ts';
import { checkAnnotationValues } from '../common/metadata.ts';
import { checkPodNetworkAnnotations, type PodNetworkCheck } from './pod-annotations.ts';
import { podMetadataOf } from './pod-template.ts';
import { DEFAULT_NETWORK_ANNOTATION, NETWORKS_ANNOTATION } from './types.ts';

export interface PodValidationOptions {
  /** Namespace of objects that name none (kubectl's `-n`); default `default`. */
  defaultNamespace?: string;
  /** Interface of the cluster network; default `eth0`. */
  clusterInterface?: string;
  /** Namespace for a default-network name given without one; default the pod's. */
  defaultNetworkNamespace?: string;
}

export interface PodNetworkValidator {
  /** Checks the network annotations of a Pod, or of a workload's pod template. */
  create(obj: unknown): PodNetworkCheck;
  /** Checks the new object as create does; for a Pod whose network annotations
   * changed, warns that a running pod keeps the interfaces it started with. */
  update(oldObj: unknown, newObj: unknown): PodNetworkCheck;
}

const NETWORK_KEYS: ReadonlySet<string> = new Set([
  NETWORKS_ANNOTATION,
  DEFAULT_NETWORK_ANNOTATION,
]);

export function podNetworkValidator(options: PodValidationOptions = {}): PodNetworkValidator {
  const create = (obj: unknown): PodNetworkCheck => checkPodObject(obj, options);
  return {
    create,
    update(oldObj, newObj) {
      const result = create(newObj);
      if (kindOf(newObj) !== 'Pod') return result;
      const before = podAnnotations(oldObj);
      const after = podAnnotations(newObj);
      for (const key of NETWORK_KEYS) {
        if (before?.[key] === after?.[key]) continue;
        result.findings.push(
          warning(
            `metadata.annotations[${key}]`,
            'changes the networks of an existing pod: its interfaces were set up when it started and stay as they are',
            're-create the pod (or roll out its workload) to change its networks',
          ),
        );
      }
      return result;
    },
  };
}

function kindOf(obj: unknown): string | undefined {
  return isPlainObject(obj) && typeof obj.kind === 'string' ? obj.kind : undefined;
}

function podAnnotations(obj: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(obj) || !isPlainObject(obj.metadata)) return undefined;
  const a = obj.metadata.annotations;
  return isPlainObject(a) ? a : undefined;
}

function checkPodObject(obj: unknown, options: PodValidationOptions): PodNetworkCheck {
  const kind = kindOf(obj) ?? 'Pod';
  const loc = isPlainObject(obj) ? podMetadataOf(kind, obj) : undefined;
  if (loc?.metadata === undefined)
    return { findings: [], value: { attachments: [] }, references: [] };
  const meta = isPlainObject(obj) && isPlainObject(obj.metadata) ? obj.metadata : {};
  const namespace =
    typeof meta.namespace === 'string' && meta.namespace !== ''
      ? meta.namespace
      : (options.defaultNamespace ?? 'default');
  const basePath = `${loc.path}.annotations`;
  const annotations = loc.metadata.annotations;
  const result = checkPodNetworkAnnotations(annotations, namespace, {
    basePath,
    ...(options.clusterInterface === undefined
      ? {}
      : { clusterInterface: options.clusterInterface }),
    ...(options.defaultNetworkNamespace === undefined
      ? {}
      : { defaultNetworkNamespace: options.defaultNetworkNamespace }),
  });
  // The map's own type is checkPodNetworkAnnotations' to report.
  if (!isPlainObject(annotations)) return result;
  const others = checkAnnotationValues(annotations, basePath, NETWORK_KEYS);
  if (others.length === 0) return result;
  return { findings: [...result.findings, ...others], references: result.references };
}
