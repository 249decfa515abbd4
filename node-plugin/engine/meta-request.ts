// The parts of a `plexus` meta plugin request every command reads: the plugin's options and
// cluster network (checked with the contract in api/cni), and the pod named in CNI_ARGS.
import { checkMetaConfig } from '../../api/cni/index.ts';
import type { PlexusMetaConfig } from '../../api/cni/index.ts';
import { hasErrors, isPlainObject } from '../../api/common/index.ts';
import { CNI_CODES, CniFailure } from '../cni/cni-error.ts';
import type { CniRequest } from '../cni/cni-request.ts';
import type { DelegateNetwork } from '../delegate/network-runner.ts';
import type { PodRef } from '../kube/pod-source.ts';
import { clusterNetworkOf, describeFindings } from './delegate-plan.ts';

export interface MetaRequest {
  meta: PlexusMetaConfig;
  cluster: DelegateNetwork;
  /** The runtime's runtimeConfig: capability values for the cluster network. */
  runtimeConfig: Record<string, unknown>;
}

export function readMetaRequest(req: CniRequest): MetaRequest {
  const checked = checkMetaConfig(JSON.stringify(req.config), 'config');
  if (checked.value === undefined || hasErrors(checked.findings))
    throw new CniFailure(
      CNI_CODES.invalidConfig,
      'the plexus config is invalid',
      describeFindings(checked.findings),
    );
  const runtimeConfig = isPlainObject(req.config.runtimeConfig) ? req.config.runtimeConfig : {};
  return {
    meta: checked.value,
    cluster: clusterNetworkOf(checked.value.clusterNetwork),
    runtimeConfig,
  };
}

/** The pod the runtime names in CNI_ARGS (kubelet and containerd pass K8S_POD_*), if any. */
export function podRefOf(args: Readonly<Record<string, string>>): PodRef | undefined {
  const namespace = args.K8S_POD_NAMESPACE;
  const name = args.K8S_POD_NAME;
  if (namespace === undefined || namespace === '' || name === undefined || name === '')
    return undefined;
  const uid = args.K8S_POD_UID;
  return uid === undefined || uid === '' ? { namespace, name } : { namespace, name, uid };
}
