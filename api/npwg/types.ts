// Types and annotation keys of the NPWG multi-network spec v1.3 ("Kubernetes
// Network Custom Resource Definition De-facto Standard"), shaped after the
// JSON the network-attachment-definition client and Multus read and write,
// so annotations travel unchanged between Plexus and Multus.
import type { BandwidthLimits } from '../common/bandwidth.ts';
import type { SizeLimit } from '../common/size.ts';

/** Pod annotation selecting additional networks (spec §4). */
export const NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';
/** Pod annotation the implementation writes with the attachment results (spec §5). */
export const NETWORK_STATUS_ANNOTATION = 'k8s.v1.cni.cncf.io/network-status';
/** Multus' pod annotation that replaces the cluster network for one pod. */
export const DEFAULT_NETWORK_ANNOTATION = 'v1.multus-cni.io/default-network';

/** Kubernetes caps all annotations of an object together at 256 KiB
 * (TotalAnnotationSizeLimitB); a single value above it can never be stored. */
export const MAX_ANNOTATION_BYTES = 256 * 1024;

export const ANNOTATION_SIZE_LIMIT: SizeLimit = {
  bytes: MAX_ANNOTATION_BYTES,
  label: '256 KiB',
  why: 'the most Kubernetes stores for all annotations of an object together',
  fix: 'attach fewer networks or shorten the value',
};

/** At most this many findings are listed for one pod's network annotations;
 * one more finding counts the rest (a 256 KiB value can name 100,000 networks). */
export const MAX_ANNOTATION_FINDINGS = 100;

/** The interface name the runtime gives the cluster network (CNI_IFNAME). */
export const DEFAULT_CLUSTER_INTERFACE = 'eth0';

/** One entry of CNI's `portMappings` capability (portmap plugin). */
export interface PortMapping {
  hostPort: number;
  containerPort: number;
  /** `tcp`, `udp` or `sctp`, any case; portmap defaults to `tcp`. */
  protocol?: string;
  hostIP?: string;
}

/** CNI's `bandwidth` capability (bandwidth plugin): rates in bit/s, bursts in bits. */
export type BandwidthEntry = BandwidthLimits;

/** One element of the JSON list form of the networks annotation (spec §4.1.2). */
export interface NetworkSelectionElement {
  name: string;
  namespace?: string;
  interface?: string;
  ips?: string[];
  mac?: string;
  'default-route'?: string[];
  portMappings?: PortMapping[];
  bandwidth?: BandwidthEntry;
  'cni-args'?: Record<string, unknown>;
  'infiniband-guid'?: string;
  'ipam-claim-reference'?: string;
}

/** A selection element with the defaults an implementation applies filled in. */
export interface ResolvedAttachment extends NetworkSelectionElement {
  /** The NAD's namespace: as written, or the default (the pod's) when absent. */
  namespace: string;
  /** The pod interface name: as requested, or generated (`net<N>`, or the
   * cluster interface for the default network). */
  interface: string;
  /** True when `interface` was requested (`@ifname`, `interface`). */
  interfaceRequested: boolean;
  /** 0-based position in the annotation it came from. */
  index: number;
}
