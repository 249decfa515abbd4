// Validation of a NetworkAttachmentDefinition's `spec.config`: a CNI network
// configuration (one plugin, or a list under `plugins`) as a JSON string.
// Pure: returns findings, never throws on input.
//
// Decisions where Multus, libcni and the CNI spec differ:
// - Empty config: valid; the config is then read from the node's CNI conf dir.
// - Missing or empty `name`: not an error. Multus injects the NAD's name
//   (getCNIConfigFromSpec), and so do we. (The upstream admission controller
//   runs libcni's list parser, which rejects a missing name.) A name that
//   differs from the NAD's is fine: Multus keeps it.
// - Missing `cniVersion`: an error. The spec requires it; libcni reads "" as
//   0.1.0 (there is no 0.3.1 default in Multus), which Plexus does not support,
//   and Multus before libcni 1.1 failed every DEL on such configs
//   (multus-cni#476, cni#893).
// - `cniVersions` (spec 1.1, lists only): the highest entry (with cniVersion)
//   up to 1.1.0 wins, as in libcni; a missing cniVersion is fine then.
// - `disableCheck`/`disableGC` as the strings "true"/"false": libcni accepts
//   them, so a warning, not an error.
// - `ipam: {}`: the plugins read an empty IPAM type as "no IPAM" (layer 2);
//   accepted. A non-empty ipam without `type` is an error.
// - host-local subnets with host bits: an error with the canonical form, as
//   host-local itself refuses them ("Network has host bits set").
import { child, error, hasErrors, isPlainObject, warning, type Finding } from '../findings.ts';
import { typeError, type Json } from './fields.ts';
import { checkChain, type ChainEntry } from './chain.ts';
import { parseJsonText } from './json-text.ts';
import { checkPlugin, type PluginConf } from './plugin.ts';
import {
  compareCniVersions,
  isSupportedCniVersion,
  LATEST_CNI_VERSION,
  parseCniVersion,
  SUPPORTED_CNI_VERSIONS,
} from './versions.ts';

export type { PluginConf } from './plugin.ts';

/** Larger configs are refused unread (a NAD is an etcd object; 1 MiB is plenty). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** CNI's network name rule (libcni's ValidateNetworkName). */
export const CNI_NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export interface NadConfigOptions {
  /** The NAD's metadata.name, injected when the config has no name. */
  nadName: string;
  /** Path prefix for findings; default `spec.config`. */
  field?: string;
  /** Names of known OverlayNetworks; undefined = unknown, skip the check. */
  overlayNetworks?: ReadonlySet<string>;
}

/** The config as the node agent runs it: always a list (a single plugin
 * becomes a one-plugin list, as Multus and libcni convert it), name injected. */
export interface NormalizedNetConf {
  /** The effective version (after `cniVersions` selection). */
  cniVersion: string;
  name: string;
  plugins: PluginConf[];
  /** The parsed config as written, name injected (what Multus hands to libcni);
   * `raw.plugins` is undefined for a single-plugin config. */
  raw: Record<string, unknown>;
}

export interface NadConfigResult {
  findings: Finding[];
  /** Present when the config exists and has no errors (warnings allowed). */
  config?: NormalizedNetConf;
}

export function checkNadConfig(
  config: string | undefined,
  opts: NadConfigOptions,
): NadConfigResult {
  const base = opts.field ?? 'spec.config';
  const out: Finding[] = [];
  // Callers hand over whatever the object held (YAML may give null or a map).
  if (config === undefined || config === null) return { findings: out };
  if (typeof config !== 'string') {
    out.push(typeError(base, 'string', config));
    return { findings: out };
  }
  if (config.trim() === '') return { findings: out };
  // Cheap bound first: UTF-8 is never shorter than the UTF-16 length.
  if (config.length > MAX_CONFIG_BYTES) {
    out.push(
      error(
        base,
        `is more than 1 MiB (${config.length} characters); the limit is ${MAX_CONFIG_BYTES} bytes`,
        'shorten the CNI config',
      ),
    );
    return { findings: out };
  }
  const bytes = Buffer.byteLength(config, 'utf8');
  if (bytes > MAX_CONFIG_BYTES) {
    out.push(
      error(
        base,
        `is ${bytes} bytes; the limit is ${MAX_CONFIG_BYTES} (1 MiB)`,
        'shorten the CNI config',
      ),
    );
    return { findings: out };
  }
  const parsed = parseJsonText(config);
  if (!parsed.ok) {
    const e = parsed.error;
    out.push(
      error(base, `is not valid JSON: ${e.reason} (line ${e.line}, column ${e.column})`, e.fix),
    );
    return { findings: out };
  }
  const raw = parsed.value;
  if (!isPlainObject(raw)) {
    out.push(
      error(
        base,
        `must be a JSON object (found ${Array.isArray(raw) ? 'array' : raw === null ? 'null' : typeof raw})`,
        'write {"cniVersion": "1.0.0", "type": …} or {"cniVersion": "1.0.0", "plugins": […]}',
      ),
    );
    return { findings: out };
  }

  const name = checkName(raw, base, opts.nadName, out);
  const hasPlugins = raw.plugins !== undefined;
  const isList = hasPlugins || raw.type === undefined;
  if (hasPlugins && raw.type !== undefined) {
    out.push(
      error(
        child(base, 'type'),
        'the config has both "type" and "plugins": it is either one plugin (type) or a list (plugins)',
        'remove "type" and keep the list, or remove "plugins"',
      ),
    );
  }
  const cniVersion = checkVersion(raw, base, isList, out);
  for (const key of ['disableCheck', 'disableGC', 'loadOnlyInlinedPlugins'])
    checkLibcniBool(raw, key, base, out);

  const plugins: PluginConf[] = [];
  const entries: ChainEntry[] = [];
  if (!isList) {
    const p = checkPlugin(raw, base, opts, out);
    if (p !== undefined) {
      plugins.push(p);
      entries.push({ type: p.type, path: base });
    }
  } else if (!hasPlugins) {
    out.push(
      error(
        base,
        'has neither "type" nor "plugins"',
        'add "type" for one plugin, or "plugins": [ … ] for a list',
      ),
    );
  } else if (!Array.isArray(raw.plugins)) {
    out.push(typeError(child(base, 'plugins'), 'array', raw.plugins));
  } else if (raw.plugins.length === 0) {
    out.push(
      error(
        child(base, 'plugins'),
        'is empty: a list needs at least one plugin',
        'add a plugin such as {"type": "macvlan", "master": "eth1"}',
      ),
    );
  } else {
    raw.plugins.forEach((item, i) => {
      const path = child(child(base, 'plugins'), i);
      const p = checkPlugin(item, path, opts, out);
      if (p !== undefined) {
        plugins.push(p);
        entries.push({ type: p.type, path });
      }
    });
  }
  // Order only means something when every plugin's type was readable.
  const expected = !isList ? 1 : Array.isArray(raw.plugins) ? raw.plugins.length : -1;
  if (entries.length === expected) checkChain(entries, isList, out);

  if (hasErrors(out) || cniVersion === undefined || name === undefined) return { findings: out };
  const normalized: NormalizedNetConf = {
    cniVersion,
    name,
    // A single plugin carries the network's name and version itself.
    plugins: isList ? plugins : plugins.map((p) => ({ ...p, name })),
    raw: { ...raw, name },
  };
  return { findings: out, config: normalized };
}

function checkName(raw: Json, base: string, nadName: string, out: Finding[]): string | undefined {
  const v = raw.name;
  // Multus injects the NAD name when name is missing or "".
  if (v === undefined || v === '') return nadName;
  if (typeof v !== 'string') {
    out.push(typeError(child(base, 'name'), 'string', v));
    return undefined;
  }
  if (!CNI_NETWORK_NAME.test(v)) {
    out.push(
      error(
        child(base, 'name'),
        `"${v}" is not a valid CNI network name: it must start with a letter or digit, followed by letters, digits, "_", "." or "-"`,
        `use "${nadName}" (the NAD's name), or remove "name" to get it by default`,
      ),
    );
    return undefined;
  }
  return v;
}

/** Returns the effective cniVersion, or undefined after reporting why there is none. */
function checkVersion(
  raw: Json,
  base: string,
  isList: boolean,
  out: Finding[],
): string | undefined {
  const vPath = child(base, 'cniVersion');
  const supported = SUPPORTED_CNI_VERSIONS.join(', ');
  let version: string | undefined;
  if (raw.cniVersion !== undefined && raw.cniVersion !== '') {
    if (typeof raw.cniVersion !== 'string') {
      out.push(typeError(vPath, 'string', raw.cniVersion));
      return undefined;
    }
    version = raw.cniVersion;
  }

  const listed = checkVersionList(raw, base, isList, out);
  if (listed === null) return undefined;
  if (listed !== undefined) {
    // libcni: the highest of cniVersions (plus cniVersion) that it implements.
    const candidates = version !== undefined ? [...listed, version] : [...listed];
    const usable = candidates.filter(
      (v) => parseCniVersion(v) !== undefined && compareCniVersions(v, LATEST_CNI_VERSION) <= 0,
    );
    usable.sort(compareCniVersions);
    const chosen = usable[usable.length - 1];
    if (chosen === undefined) {
      out.push(
        error(
          child(base, 'cniVersions'),
          `lists no version up to ${LATEST_CNI_VERSION}`,
          `include one of ${supported}`,
        ),
      );
      return undefined;
    }
    if (!isSupportedCniVersion(chosen)) {
      out.push(
        error(
          child(base, 'cniVersions'),
          `the highest usable version here is ${chosen}, which Plexus does not support`,
          `include one of ${supported}`,
        ),
      );
      return undefined;
    }
    return chosen;
  }

  if (version === undefined) {
    out.push(
      error(
        vPath,
        'is required: without it libcni assumes 0.1.0, which Plexus does not support (and Multus fails to delete such attachments)',
        'add "cniVersion": "1.0.0"',
      ),
    );
    return undefined;
  }
  if (!isSupportedCniVersion(version)) {
    const short = /^[0-9]+\.[0-9]+$/.test(version) ? `"${version}.0"` : undefined;
    out.push(
      error(
        vPath,
        `"${version}" is not a supported CNI version (supported: ${supported})`,
        short !== undefined && isSupportedCniVersion(`${version}.0`)
          ? `write ${short}`
          : 'use "1.0.0" (every reference plugin here supports it)',
      ),
    );
    return undefined;
  }
  return version;
}

/** `cniVersions`: undefined when absent or empty, null after an error. */
function checkVersionList(
  raw: Json,
  base: string,
  isList: boolean,
  out: Finding[],
): string[] | undefined | null {
  const v = raw.cniVersions;
  if (v === undefined) return undefined;
  const path = child(base, 'cniVersions');
  if (!isList) {
    out.push(
      warning(
        path,
        'is only read for a plugin list; a single-plugin config ignores it',
        'put the plugin in "plugins": [ … ], or remove "cniVersions"',
      ),
    );
    return undefined;
  }
  if (!Array.isArray(v)) {
    out.push(typeError(path, 'array', v));
    return null;
  }
  let ok = true;
  const list: string[] = [];
  v.forEach((item, i) => {
    if (typeof item !== 'string') {
      out.push(typeError(child(path, i), 'string', item));
      ok = false;
    } else if (parseCniVersion(item) === undefined) {
      out.push(error(child(path, i), `"${item}" is not a version (major.minor.patch)`));
      ok = false;
    } else {
      list.push(item);
    }
  });
  if (!ok) return null;
  return list.length > 0 ? list : undefined;
}

/** libcni reads these as a boolean or the strings "true"/"false" (any case). */
function checkLibcniBool(raw: Json, key: string, base: string, out: Finding[]): void {
  const v = raw[key];
  if (v === undefined || typeof v === 'boolean') return;
  const path = child(base, key);
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) {
    out.push(
      warning(
        path,
        `is the string "${v}"; libcni accepts it, but other runtimes expect a boolean`,
        `write ${v.toLowerCase()} without quotes`,
      ),
    );
    return;
  }
  out.push(typeError(path, 'boolean', v));
}
