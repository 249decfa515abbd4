// Kubernetes object types as they travel on the wire (JSON): client-node's model types with
// every Date turned into the RFC 3339 string the API server sends. Types only: importing
// @kubernetes/client-node at run time costs about 80 MB of RSS, so nothing here loads it.
import type {
  EventsV1Event,
  V1ConfigMap,
  V1DaemonSet,
  V1Deployment,
  V1Lease,
  V1Namespace,
  V1Node,
  V1ObjectMeta,
  V1Pod,
  V1ReplicaSet,
  V1Secret,
  V1Service,
  V1StatefulSet,
  V1Status,
  V1OwnerReference,
} from '@kubernetes/client-node';
import type {
  NetworkAttachmentDefinitionSpec,
  NodeNetworkConfigSpec,
  NodeNetworkConfigStatus,
  OverlayNetworkSpec,
  OverlayNetworkStatus,
} from '../../api/resources/index.ts';

/** T as JSON: Dates are strings, everything else as it is. */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type ObjectMeta = Wire<V1ObjectMeta>;
export type OwnerReference = Wire<V1OwnerReference>;
export type Status = Wire<V1Status>;

/** What every stored object has: the informer and the client need no more than this. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export type Pod = Wire<V1Pod>;
export type Node = Wire<V1Node>;
export type Namespace = Wire<V1Namespace>;
export type ConfigMap = Wire<V1ConfigMap>;
export type Secret = Wire<V1Secret>;
export type Service = Wire<V1Service>;
export type Deployment = Wire<V1Deployment>;
export type DaemonSet = Wire<V1DaemonSet>;
export type StatefulSet = Wire<V1StatefulSet>;
export type ReplicaSet = Wire<V1ReplicaSet>;
export type Lease = Wire<V1Lease>;
export type Event = Wire<EventsV1Event>;

export interface OverlayNetwork extends KubeObject {
  spec: OverlayNetworkSpec;
  status?: OverlayNetworkStatus;
}
export interface NodeNetworkConfig extends KubeObject {
  spec: NodeNetworkConfigSpec;
  status?: NodeNetworkConfigStatus;
}
export interface NetworkAttachmentDefinition extends KubeObject {
  spec?: NetworkAttachmentDefinitionSpec;
}

/** A list as the API server returns it. */
export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}
