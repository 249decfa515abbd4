// The Events the agent records on pods, with Multus' reasons so tooling written for Multus
// finds them: AddedInterface (Normal, one per interface added) and NoNetworkFound (Warning,
// a NetworkAttachmentDefinition the pod names does not exist). Recording never blocks a CNI
// request: the recorder writes in the background and folds repeats into one Event.
import type { EventRecorder, Pod } from '../../lib/kube/index.ts';

export interface AddedInterface {
  ifName: string;
  /** Addresses with prefix length, as the CNI result has them. */
  addresses: string[];
  /** network-status name of the network. */
  network: string;
}

export class PodEvents {
  private readonly recorder: EventRecorder;

  constructor(recorder: EventRecorder) {
    this.recorder = recorder;
  }

  addedInterfaces(pod: Pod, added: readonly AddedInterface[]): void {
    for (const a of added) {
      this.recorder.event(regarding(pod), {
        type: 'Normal',
        reason: 'AddedInterface',
        action: 'Add',
        note: `Add ${a.ifName} [${a.addresses.join(' ')}] from ${a.network}`,
      });
    }
  }

  noNetworkFound(pod: Pod, message: string): void {
    this.recorder.event(regarding(pod), {
      type: 'Warning',
      reason: 'NoNetworkFound',
      action: 'Add',
      note: message,
    });
  }
}

/** The pod as an Event's regarding object (kind and apiVersion are not on listed items). */
function regarding(pod: Pod): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata };
}
