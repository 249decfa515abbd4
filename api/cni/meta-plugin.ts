// The `plexus` meta plugin's configuration: the contract between the operator,
// which renders the cluster-wide options into each NodeNetworkConfig's
// `spec.cniConfig`, and the node agent, which adds what only the node knows
// (the cluster network it found in the CNI conf dir, its socket, the
// capabilities that network declares) and writes `00-plexus.conflist`.
import { child, checked, error, type Checked, type Finding } from '../common/findings.ts';
import { readJsonText } from '../common/json-text.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { dns1123LabelProblem } from '../common/names.ts';
import { quote } from '../common/quote.ts';
import { DEFAULT_GLOBAL_NAMESPACES } from '../common/isolation.ts';

/** The meta plugin's type: the shim binary the runtime runs, installed under this name. */
export const PLEXUS_META_TYPE = 'plexus';
/** The network name of the node's conflist. */
export const PLEXUS_NETWORK_NAME = 'plexus';
/** Sorts first in the conf dir, so the runtime picks it over the cluster network's own file. */
export const NODE_CONFLIST_FILE = '00-plexus.conflist';
/** Where the agent listens and the shim connects, unless the config says otherwise. */
export const DEFAULT_AGENT_SOCKET = '/run/plexus/agent.sock';
/** The versions the conflist offers: libcni picks the highest it implements. */
export const META_CNI_VERSIONS = ['1.0.0', '1.1.0'] as const;

/** The cluster-wide options, the same on every node (the operator renders them). */
export interface PlexusMetaOptions {
  /** NPWG namespace isolation: a pod may use only NADs of its own namespace and of
   * `globalNamespaces`. Off by default, as in Multus. */
  namespaceIsolation: boolean;
  globalNamespaces: string[];
  /** Namespace of an unqualified `v1.multus-cni.io/default-network` name; absent: the pod's. */
  defaultNetworkNamespace?: string;
}

/** The whole meta plugin config as the node's conflist carries it. */
export interface PlexusMetaConfig extends PlexusMetaOptions {
  /** The agent's unix socket; absent: DEFAULT_AGENT_SOCKET. */
  socketPath?: string;
  /** The node's cluster network (the first other config in the conf dir), embedded as
   * found, so a runtime reading only this file still knows what eth0 comes from. */
  clusterNetwork?: Record<string, unknown>;
  /** Capabilities to declare, so the runtime passes their runtimeConfig (those of the
   * cluster network's plugins: portMappings, bandwidth, …). */
  capabilities?: Record<string, boolean>;
}

export function defaultMetaOptions(): PlexusMetaOptions {
  return { namespaceIsolation: false, globalNamespaces: [...DEFAULT_GLOBAL_NAMESPACES] };
}

/** The conflist text: one plugin, `plexus`, carrying the options. Keys in a fixed
 * order, so equal configs render to equal bytes (the agent skips rewriting them). */
export function renderMetaConfig(config: PlexusMetaConfig): string {
  const plugin: Record<string, unknown> = {
    type: PLEXUS_META_TYPE,
    namespaceIsolation: config.namespaceIsolation,
    globalNamespaces: config.globalNamespaces,
  };
  if (config.defaultNetworkNamespace !== undefined)
    plugin.defaultNetworkNamespace = config.defaultNetworkNamespace;
  if (config.socketPath !== undefined) plugin.socketPath = config.socketPath;
  if (config.capabilities !== undefined) plugin.capabilities = config.capabilities;
  if (config.clusterNetwork !== undefined) plugin.clusterNetwork = config.clusterNetwork;
  const list = {
    cniVersion: META_CNI_VERSIONS[META_CNI_VERSIONS.length - 1],
    cniVersions: META_CNI_VERSIONS,
    name: PLEXUS_NETWORK_NAME,
    plugins: [plugin],
  };
  return `${JSON.stringify(list, null, 2)}\n`;
}

/** Reads a conflist (or the plugin object alone) that renderMetaConfig wrote, or that a
 * person edited; `field` prefixes the findings (e.g. `spec.cniConfig`). */
export function checkMetaConfig(text: string, field = 'config'): Checked<PlexusMetaConfig> {
  const findings: Finding[] = [];
  const parsed = readJsonText(text, field, findings);
  if (!parsed.ok) return { findings };
  const doc = parsed.value;
  if (!isPlainObject(doc)) return { findings: [typeError(field, 'an object', doc)] };
  let plugin: unknown = doc;
  let at = field;
  if (doc.plugins !== undefined) {
    const plugins = doc.plugins;
    at = child(child(field, 'plugins'), 0);
    if (!Array.isArray(plugins) || plugins.length !== 1) {
      const fix = 'list exactly one plugin: {"type": "plexus", …}';
      return {
        findings: [error(child(field, 'plugins'), 'must hold the plexus plugin alone', fix)],
      };
    }
    plugin = plugins[0];
  }
  if (!isPlainObject(plugin)) return { findings: [typeError(at, 'an object', plugin)] };
  return checked(findings, readMetaPlugin(plugin, at, findings));
}

function readMetaPlugin(
  p: Record<string, unknown>,
  at: string,
  findings: Finding[],
): PlexusMetaConfig | undefined {
  if (p.type !== PLEXUS_META_TYPE) {
    const fix = `write "type": "${PLEXUS_META_TYPE}"`;
    findings.push(error(child(at, 'type'), `must be ${quote(PLEXUS_META_TYPE)}`, fix));
  }
  const isolation = p.namespaceIsolation ?? false;
  if (typeof isolation !== 'boolean')
    findings.push(typeError(child(at, 'namespaceIsolation'), 'true or false', isolation));
  const globals = readNamespaces(p.globalNamespaces, child(at, 'globalNamespaces'), findings);
  const out: PlexusMetaConfig = {
    namespaceIsolation: isolation === true,
    globalNamespaces: globals ?? [...DEFAULT_GLOBAL_NAMESPACES],
  };
  if (p.defaultNetworkNamespace !== undefined) {
    const ns = readNamespace(p.defaultNetworkNamespace, child(at, 'defaultNetworkNamespace'));
    if (typeof ns === 'string') out.defaultNetworkNamespace = ns;
    else findings.push(ns);
  }
  if (p.socketPath !== undefined) {
    if (typeof p.socketPath === 'string' && p.socketPath.startsWith('/'))
      out.socketPath = p.socketPath;
    else findings.push(typeError(child(at, 'socketPath'), 'an absolute path', p.socketPath));
  }
  readObjects(p, at, out, findings);
  return out;
}

function readObjects(
  p: Record<string, unknown>,
  at: string,
  out: PlexusMetaConfig,
  findings: Finding[],
): void {
  if (p.clusterNetwork !== undefined) {
    if (isPlainObject(p.clusterNetwork)) out.clusterNetwork = p.clusterNetwork;
    else findings.push(typeError(child(at, 'clusterNetwork'), 'an object', p.clusterNetwork));
  }
  if (p.capabilities === undefined) return;
  const caps = p.capabilities;
  if (!isPlainObject(caps)) {
    findings.push(typeError(child(at, 'capabilities'), 'an object', caps));
    return;
  }
  const kept: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(caps)) {
    if (typeof v === 'boolean') kept[k] = v;
    else findings.push(typeError(child(child(at, 'capabilities'), k), 'true or false', v));
  }
  out.capabilities = kept;
}

function readNamespaces(v: unknown, at: string, findings: Finding[]): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    findings.push(typeError(at, 'a list of namespace names', v));
    return undefined;
  }
  const out: string[] = [];
  v.forEach((item: unknown, i) => {
    const ns = readNamespace(item, child(at, i));
    if (typeof ns === 'string') out.push(ns);
    else findings.push(ns);
  });
  return out.length === v.length ? out : undefined;
}

/** The namespace name, or the finding that says why it is not one. */
function readNamespace(v: unknown, at: string): string | Finding {
  if (typeof v !== 'string') return typeError(at, 'a string', v);
  const problem = dns1123LabelProblem(v);
  return problem === undefined ? v : error(at, `namespace ${quote(v)} ${problem}`);
}
