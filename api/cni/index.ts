// CNI network configurations in NetworkAttachmentDefinitions, what the running
// parts may use: the admission seam for NADs, the config check and its
// normalized result, and version negotiation with plugins.

// The admission seam for NADs (webhook, CLI).
export { nadValidator } from './nad-validator.ts';
// The validator, its options, what it returns, and the OverlayNetworks a NAD names.
export type {
  NadCheck,
  NadValidator,
  NadValidatorOptions,
  NadValue,
  OverlayReference,
} from './nad-validator.ts';
// The OverlayNetworks a NAD names that do not exist: warnings (webhook, CLI).
export { checkOverlayReferences } from './overlay-references.ts';
// One spec.config checked and normalized to a plugin list (node agent, operator).
export { checkNadConfig, MAX_CONFIG_BYTES } from './nad-config.ts';
// Its options, its result, and the normalized config and plugins.
export type {
  NadConfigOptions,
  NadConfigResult,
  NormalizedNetConf,
  PluginConf,
} from './nad-config.ts';
// CNI spec versions: which Plexus speaks, the one for a config naming none, how they
// order, which to send a plugin.
export {
  SUPPORTED_CNI_VERSIONS,
  LATEST_CNI_VERSION,
  DEFAULT_CNI_VERSION,
  compareCniVersions,
  negotiateCniVersion,
} from './versions.ts';
// A CNI version Plexus supports.
export type { CniVersion } from './versions.ts';
// The plexus meta plugin's config: the operator renders the options, the agent the node file.
export {
  checkMetaConfig,
  defaultMetaOptions,
  renderMetaConfig,
  DEFAULT_AGENT_SOCKET,
  META_CNI_VERSIONS,
  NODE_CONFLIST_FILE,
  PLEXUS_META_TYPE,
  PLEXUS_NETWORK_NAME,
} from './meta-plugin.ts';
// The cluster-wide options, and the whole config the node's conflist carries.
export type { PlexusMetaConfig, PlexusMetaOptions } from './meta-plugin.ts';
// veth-to-host's stdin config read into typed fields (the node agent's plugin).
export { readVethToHostConf } from './plexus-plugins.ts';
// Its fields, typed.
export type { VethToHostConf } from './plexus-plugins.ts';
