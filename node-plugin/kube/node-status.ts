// The agent's part of its NodeNetworkConfig's status (the operator writes the spec, the node's
// agent the status): observedGeneration, the Ready condition (is the node's CNI config written
// and the agent serving?) and lastError. Written with server-side apply under the agent's own
// field manager, only when something changed, and only when the object exists.
import { NODE_NETWORK_CONFIGS } from '../../lib/kube/index.ts';
import type { KubeClient, NodeNetworkConfig } from '../../lib/kube/index.ts';
import type { Logger } from '../../lib/log/index.ts';

export const AGENT_FIELD_MANAGER = 'plexus-agent';

export interface AgentCondition {
  ready: boolean;
  reason: string;
  message: string;
}

export class NodeStatusWriter {
  private readonly client: KubeClient;
  private readonly logger: Logger;
  private last = '';
  private since = new Date().toISOString();
  private lastReady: boolean | undefined;

  constructor(client: KubeClient, logger: Logger) {
    this.client = client;
    this.logger = logger;
  }

  /** Writes the status for `nnc` (the cached object); errors are logged, the next call retries. */
  async write(nnc: NodeNetworkConfig, condition: AgentCondition, lastError = ''): Promise<void> {
    const name = nnc.metadata?.name;
    if (name === undefined) return;
    if (condition.ready !== this.lastReady) {
      this.since = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      this.lastReady = condition.ready;
    }
    const generation = nnc.metadata?.generation ?? 0;
    const status = {
      observedGeneration: generation,
      conditions: [
        {
          type: 'Ready',
          status: condition.ready ? 'True' : 'False',
          reason: condition.reason,
          message: condition.message.slice(0, 1024),
          lastTransitionTime: this.since,
          observedGeneration: generation,
        },
      ],
      lastError: lastError.slice(0, 4096),
    };
    const key = JSON.stringify(status);
    if (key === this.last) return;
    try {
      await this.client.apply(
        NODE_NETWORK_CONFIGS,
        { metadata: { name }, status } as unknown as NodeNetworkConfig,
        { fieldManager: AGENT_FIELD_MANAGER, status: true, force: true },
      );
      this.last = key;
    } catch (e) {
      this.logger.warn(
        { nodeNetworkConfig: name, err: (e as Error).message },
        'could not write NodeNetworkConfig status',
      );
    }
  }
}
