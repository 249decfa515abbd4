// What a runtime hands the CNI plugin for a pod on a simulated host: its sandbox (a network
// namespace) and the attachment libcni is asked for, with the CNI_ARGS the kubelet's runtimes
// set; and the macvlan network config the dev cluster's tests and benchmarks attach pods to.
import type { DriverAttachment } from './cni-driver.ts';
import type { Host } from './hosts.ts';
import { createPod } from './pods.ts';
import type { Pod as PodNetns } from './pods.ts';
import type { Run } from './run.ts';

/** A Pod object as the runtime knows it. */
export interface PodRef {
  name: string;
  namespace: string;
  uid: string;
}

/** The pod's network namespace on `host`, and the ADD/DEL attachment for its eth0. */
export async function podSandbox(
  run: Run,
  host: Host,
  pod: PodRef,
): Promise<{ netns: PodNetns; attachment: DriverAttachment }> {
  const netns = await createPod(run, host, { name: pod.name, namespace: pod.namespace });
  const attachment: DriverAttachment = {
    containerId: netns.containerId,
    netns: netns.netnsPath,
    ifName: 'eth0',
    args: [
      ['IgnoreUnknown', '1'],
      ['K8S_POD_NAMESPACE', pod.namespace],
      ['K8S_POD_NAME', pod.name],
      ['K8S_POD_INFRA_CONTAINER_ID', netns.containerId],
      ['K8S_POD_UID', pod.uid],
    ],
  };
  return { netns, attachment };
}

/** macvlan on the host's uplink with host-local addresses from `subnet`, leases under `dataDir`. */
export function macvlanConfig(
  name: string,
  subnet: string,
  dataDir: string,
): Record<string, unknown> {
  return {
    cniVersion: '1.0.0',
    name,
    type: 'macvlan',
    master: 'eth0',
    mode: 'bridge',
    ipam: { type: 'host-local', dataDir, ranges: [[{ subnet }]] },
  };
}
