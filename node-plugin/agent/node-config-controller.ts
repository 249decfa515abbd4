// Keeps 00-plexus.conflist in step with what it is made of: the cluster network file in the
// conf dir (watched), and the cluster-wide options in this node's NodeNetworkConfig (or the
// defaults when there is none). Until a cluster network exists nothing is written: the runtime
// never gets a config that points at nothing.
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { checkMetaConfig, defaultMetaOptions } from '../../api/cni/index.ts';
import type { PlexusMetaOptions } from '../../api/cni/index.ts';
import { hasErrors } from '../../api/common/index.ts';
import type { NodeNetworkConfig } from '../../lib/kube/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import { describeFindings } from '../engine/delegate-plan.ts';
import { findClusterNetwork, renderNodeConflist, writeNodeConflist } from './node-conflist.ts';

export interface ConfigState {
  written: boolean;
  reason: string;
  message: string;
  /** Why the NodeNetworkConfig's cniConfig could not be used, "" when it could. */
  lastError: string;
}

export interface ControllerOptions {
  confDir: string;
  socketPath: string;
  logger: Logger;
  /** This node's NodeNetworkConfig, when it exists. */
  nodeConfig: () => NodeNetworkConfig | undefined;
  /** Called after each sync with the new state. */
  onState: (s: ConfigState) => void;
}

export class NodeConfigController {
  state: ConfigState = {
    written: false,
    reason: 'Starting',
    message: 'the agent is starting',
    lastError: '',
  };
  private readonly opts: ControllerOptions;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private lastGood: PlexusMetaOptions = defaultMetaOptions();

  constructor(opts: ControllerOptions) {
    this.opts = opts;
  }

  /** Syncs now, then again whenever the conf dir changes. */
  async start(): Promise<void> {
    await this.sync();
    try {
      this.watcher = watch(this.opts.confDir, () => this.soon());
      this.watcher.on('error', (e) =>
        this.opts.logger.warn({ err: e.message }, 'conf dir watch failed'),
      );
    } catch (e) {
      this.opts.logger.warn(
        { dir: this.opts.confDir, err: (e as Error).message },
        'cannot watch the CNI conf dir',
      );
    }
  }

  /** Debounced sync (a config file is often written in several steps). */
  soon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.sync(), 100);
  }

  /** One sync at a time, in order. */
  sync(): Promise<void> {
    this.running = this.running
      .then(() => this.syncOnce())
      .catch((e: unknown) => {
        this.opts.logger.error({ err: (e as Error).message }, 'writing the node CNI config failed');
        this.setState({
          ...this.state,
          written: false,
          reason: 'WriteFailed',
          message: (e as Error).message,
        });
      });
    return this.running;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }

  private options(): { options: PlexusMetaOptions; lastError: string } {
    const nnc = this.opts.nodeConfig();
    const text = nnc?.spec?.cniConfig;
    if (text === undefined || text === '') return { options: defaultMetaOptions(), lastError: '' };
    const checked = checkMetaConfig(text, 'spec.cniConfig');
    if (checked.value === undefined || hasErrors(checked.findings))
      return {
        options: this.lastGood,
        lastError: `spec.cniConfig is unusable: ${describeFindings(checked.findings)}`,
      };
    const { namespaceIsolation, globalNamespaces, defaultNetworkNamespace } = checked.value;
    this.lastGood = {
      namespaceIsolation,
      globalNamespaces,
      ...(defaultNetworkNamespace === undefined ? {} : { defaultNetworkNamespace }),
    };
    return { options: this.lastGood, lastError: '' };
  }

  private async syncOnce(): Promise<void> {
    const { confDir, socketPath, logger } = this.opts;
    const { options, lastError } = this.options();
    const cluster = await findClusterNetwork(confDir, (file, why) =>
      logger.warn({ file, why }, 'skipping an unreadable CNI config'),
    );
    if (cluster === undefined) {
      this.setState({
        written: false,
        reason: 'NoClusterNetwork',
        message: `no cluster network config in ${confDir} yet; 00-plexus.conflist is written once one appears`,
        lastError,
      });
      return;
    }
    const wrote = await writeNodeConflist(
      confDir,
      renderNodeConflist(options, cluster, socketPath),
    );
    if (wrote)
      logger.info({ dir: confDir, clusterNetwork: cluster.file }, 'wrote 00-plexus.conflist');
    this.setState({
      written: true,
      reason: 'ConfigWritten',
      message: `the CNI config wraps ${cluster.file}`,
      lastError,
    });
  }

  private setState(s: ConfigState): void {
    this.state = s;
    this.opts.onState(s);
  }
}
