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
// - Missing `cniVersion`: a warning. The spec requires it, but libcni (1.1 and
//   later) reads "" as 0.1.0 and current Multus and sriov-cni cope (Multus
//   puts its own version in on DEL; before libcni 1.1 every DEL of such a
//   config failed: multus-cni#476, cni#893). The normalized config then
//   carries DEFAULT_CNI_VERSION (1.0.0), the version the node agent runs it at
//   (negotiated down per plugin), and says it was defaulted.
// - `cniVersions` (spec 1.1, lists only): the highest entry (with cniVersion)
//   up to 1.1.0 wins, as in libcni; a missing cniVersion is fine then.
// - `disableCheck`/`disableGC` as the strings "true"/"false": libcni accepts
//   them, so a warning, not an error.
// - `ipam: {}`: the plugins read an empty IPAM type as "no IPAM" (layer 2);
//   accepted. A non-empty ipam without `type` is an error.
// - host-local subnets with host bits: an error with the canonical form, as
//   host-local itself refuses them ("Network has host bits set").
import { FindingSink, type FindingOut } from '../common/finding-sink.ts';
import { checked, child, error, warning, type Checked } from '../common/findings.ts';
import { describeJsonValueAt, findDuplicateKeys } from '../common/json-duplicates.ts';
import { readJsonText } from '../common/json-text.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { quote } from '../common/quote.ts';
import { sizeFinding, type SizeLimit } from '../common/size.ts';
import type { Json } from './field-readers.ts';
import { checkChain, type ChainEntry } from './chain.ts';
import { checkMisspeltKeys, KNOWN_KEYS } from './known-keys.ts';
import { checkPlugin, type PluginConf } from './plugin.ts';
import {
  compareCniVersions,
  DEFAULT_CNI_VERSION,
  isSupportedCniVersion,
  LATEST_CNI_VERSION,
  parseCniVersion,
  SUPPORTED_CNI_VERSIONS,
} from './versions.ts';

export type { PluginConf } from './plugin.ts';

/** Larger configs are refused unread (a NAD is an etcd object; 1 MiB is plenty). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** At most this many findings are listed for one config; one more counts the rest. */
export const MAX_CONFIG_FINDINGS = 100;

const CONFIG_SIZE_LIMIT: SizeLimit = {
  bytes: MAX_CONFIG_BYTES,
  label: '1 MiB',
  why: 'the most Plexus reads of a CNI config (a NAD is stored whole in etcd)',
  fix: 'shorten the CNI config',
};

/** CNI's network name rule (libcni's ValidateNetworkName). */
const CNI_NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

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
  /** The version to run the network at: `cniVersion` as written, the one
   * `cniVersions` selects, or DEFAULT_CNI_VERSION when the config names none
   * (Plexus does not speak 0.1.0, which libcni would assume). Always one Plexus
   * supports; send each plugin the highest version it reports up to this one
   * (negotiateCniVersion). */
  cniVersion: string;
  /** True when the config names no version and `cniVersion` is DEFAULT_CNI_VERSION. */
  cniVersionDefaulted?: true;
  name: string;
  plugins: PluginConf[];
  /** The parsed config as written, name injected (what Multus hands to libcni);
   * `raw.plugins` is undefined for a single-plugin config. */
  raw: Record<string, unknown>;
}

/** `value` is present when the config exists and has no errors (warnings allowed). */
export type NadConfigResult = Checked<NormalizedNetConf>;

export function checkNadConfig(config: unknown, opts: NadConfigOptions): NadConfigResult {
  const base = opts.field ?? 'spec.config';
  const out = new FindingSink(MAX_CONFIG_FINDINGS);
  const raw = readConfigObject(config, base, out);
  if (raw === undefined) return { findings: out.close(base) };

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
  if (hasPlugins) {
    const at = { obj: raw, path: base, owner: 'libcni (a network list)' };
    checkMisspeltKeys(at, KNOWN_KEYS.list, out);
  }
  const version = checkVersion(raw, base, isList, out);
  for (const key of ['disableCheck', 'disableGC', 'loadOnlyInlinedPlugins'])
    checkLibcniBool(raw, key, base, out);
  const plugins = isList
    ? checkPluginList(raw, base, opts, out)
    : checkSinglePlugin(raw, base, opts, out);
  const findings = out.close(base);
  if (version === undefined || name === undefined || plugins === undefined) return { findings };
  return checked(findings, {
    cniVersion: version.cniVersion,
    ...(version.defaulted ? { cniVersionDefaulted: true as const } : {}),
    name,
    // A single plugin carries the network's name and version itself.
    plugins: isList ? plugins : plugins.map((p) => ({ ...p, name })),
    raw: { ...raw, name },
  });
}

/** The config as a JSON object; undefined when it is absent, empty or unusable (with a finding). */
function readConfigObject(config: unknown, base: string, out: FindingOut): Json | undefined {
  // Callers hand over whatever the object held (YAML may give null or a map).
  if (config === undefined || config === null) return undefined;
  if (typeof config !== 'string') {
    out.push(
      typeError(
        base,
        'a string holding CNI JSON',
        config,
        'quote the JSON, e.g. with a YAML block scalar `config: |`',
      ),
    );
    return undefined;
  }
  if (config.trim() === '') return undefined;
  const tooLarge = sizeFinding(config, base, CONFIG_SIZE_LIMIT);
  if (tooLarge !== undefined) {
    out.push(tooLarge);
    return undefined;
  }
  const parsed = readJsonText(config, base, out);
  if (!parsed.ok) return undefined;
  checkDuplicateKeys(config, base, out);
  if (!isPlainObject(parsed.value)) {
    out.push(
      typeError(
        base,
        'a JSON object',
        parsed.value,
        'write {"cniVersion": "1.0.0", "type": …} or {"cniVersion": "1.0.0", "plugins": […]}',
      ),
    );
    return undefined;
  }
  return parsed.value;
}

/** Objects that are maps in the plugins' Go structs: their keys are compared exactly. */
const MAP_KEYS: ReadonlySet<string> = new Set(['capabilities', 'sysctl', 'args']);

/** Warns about keys set twice in one object: JSON.parse and Go's encoding/json
 * keep the last value silently, and Go matches struct fields regardless of case. */
function checkDuplicateKeys(text: string, base: string, out: FindingOut): void {
  const scan = findDuplicateKeys(text, {
    ignoreCase: true,
    caseSensitiveUnder: MAP_KEYS,
    max: MAX_CONFIG_FINDINGS,
  });
  if (scan.more > 0)
    out.push(
      warning(
        base,
        `${scan.more} more key(s) are set more than once; only the first ${MAX_CONFIG_FINDINGS} are listed`,
        'keep one of each key',
      ),
    );
  for (const d of scan.duplicates) {
    const at = d.path.reduce<string>((p, seg) => child(p, seg), base);
    // libcni re-encodes each plugin's config from a map (keys sorted), so of
    // spellings differing in case the one sorting last is decoded last.
    const winner = [...d.spellings].sort().at(-1) as string;
    const value = describeJsonValueAt(text, d.lastValueAt.get(winner) ?? 0);
    out.push(
      d.spellings.length === 1
        ? warning(
            child(at, winner),
            `is set ${d.count} times in one object; the last value, ${value}, wins: Go's encoding/json (libcni and the plugins) keeps it, and Plexus checks it`,
            `keep one ${quote(winner)}`,
          )
        : warning(
            child(at, winner),
            `${d.spellings.map(quote).join(' and ')} are one key to Go's encoding/json, which matches fields regardless of case; libcni hands plugins their config with keys sorted, so ${quote(winner)} (${value}) is read last and wins`,
            'keep one spelling of the key',
          ),
    );
  }
}

/** A config that is one plugin; the chain check runs on it alone. */
function checkSinglePlugin(
  raw: Json,
  base: string,
  opts: NadConfigOptions,
  out: FindingOut,
): PluginConf[] | undefined {
  const p = checkPlugin(raw, base, opts, out);
  if (p === undefined) return undefined;
  checkChain([{ type: p.type, path: base }], false, out);
  return [p];
}

/** The plugins of a list; the chain check runs only when every type was readable. */
function checkPluginList(
  raw: Json,
  base: string,
  opts: NadConfigOptions,
  out: FindingOut,
): PluginConf[] | undefined {
  const list = raw.plugins;
  const listPath = child(base, 'plugins');
  if (list === undefined) {
    out.push(
      error(
        base,
        'has neither "type" nor "plugins"',
        'add "type" for one plugin, or "plugins": [ … ] for a list',
      ),
    );
    return undefined;
  }
  if (!Array.isArray(list)) {
    out.push(typeError(listPath, 'a list', list));
    return undefined;
  }
  if (list.length === 0) {
    out.push(
      error(
        listPath,
        'is empty: a list needs at least one plugin',
        'add a plugin such as {"type": "macvlan", "master": "eth1"}',
      ),
    );
    return undefined;
  }
  const plugins: PluginConf[] = [];
  const entries: ChainEntry[] = [];
  list.forEach((item, i) => {
    const path = child(listPath, i);
    const p = checkPlugin(item, path, opts, out);
    if (p === undefined) return;
    plugins.push(p);
    entries.push({ type: p.type, path });
  });
  if (entries.length !== list.length) return undefined;
  checkChain(entries, true, out);
  return plugins;
}

function checkName(raw: Json, base: string, nadName: string, out: FindingOut): string | undefined {
  const v = raw.name;
  // Multus injects the NAD name when name is missing or "".
  if (v === undefined || v === '') return nadName;
  if (typeof v !== 'string') {
    out.push(typeError(child(base, 'name'), 'a string', v));
    return undefined;
  }
  if (!CNI_NETWORK_NAME.test(v)) {
    out.push(
      error(
        child(base, 'name'),
        `${quote(v)} is not a valid CNI network name: it must start with a letter or digit, followed by letters, digits, "_", "." or "-"`,
        `use ${quote(nadName)} (the NAD's name), or remove "name" to get it by default`,
      ),
    );
    return undefined;
  }
  return v;
}

const SUPPORTED = SUPPORTED_CNI_VERSIONS.join(', ');

interface EffectiveVersion {
  cniVersion: string;
  defaulted: boolean;
}

/** Returns the effective cniVersion, or undefined after reporting why there is none. */
function checkVersion(
  raw: Json,
  base: string,
  isList: boolean,
  out: FindingOut,
): EffectiveVersion | undefined {
  const vPath = child(base, 'cniVersion');
  let version: string | undefined;
  if (raw.cniVersion !== undefined && raw.cniVersion !== '') {
    if (typeof raw.cniVersion !== 'string') {
      out.push(typeError(vPath, 'a string', raw.cniVersion));
      return undefined;
    }
    version = raw.cniVersion;
  }
  const listed = checkVersionList(raw, base, isList, out);
  if (listed === null) return undefined;
  if (listed !== undefined) {
    const chosen = chooseListedVersion(listed, version, child(base, 'cniVersions'), out);
    return chosen === undefined ? undefined : { cniVersion: chosen, defaulted: false };
  }
  if (version === undefined) {
    out.push(
      warning(
        vPath,
        `is missing: libcni (1.1 and later) then reads the config as CNI 0.1.0, which current Multus and sriov-cni handle; Plexus runs it at ${DEFAULT_CNI_VERSION}`,
        `add "cniVersion": "${DEFAULT_CNI_VERSION}" so every runtime reads the config the same way`,
      ),
    );
    return { cniVersion: DEFAULT_CNI_VERSION, defaulted: true };
  }
  if (isSupportedCniVersion(version)) return { cniVersion: version, defaulted: false };
  const short = /^[0-9]+\.[0-9]+$/.test(version) ? `"${version}.0"` : undefined;
  out.push(
    error(
      vPath,
      `${quote(version)} is not a supported CNI version (supported: ${SUPPORTED})`,
      short !== undefined && isSupportedCniVersion(`${version}.0`)
        ? `write ${short}`
        : 'use "1.0.0" (every reference plugin here supports it)',
    ),
  );
  return undefined;
}

/** libcni: the highest of cniVersions (plus cniVersion) that it implements. */
function chooseListedVersion(
  listed: readonly string[],
  version: string | undefined,
  field: string,
  out: FindingOut,
): string | undefined {
  const candidates = version !== undefined ? [...listed, version] : [...listed];
  const usable = candidates.filter(
    (v) => parseCniVersion(v) !== undefined && compareCniVersions(v, LATEST_CNI_VERSION) <= 0,
  );
  usable.sort(compareCniVersions);
  const chosen = usable[usable.length - 1];
  if (chosen !== undefined && isSupportedCniVersion(chosen)) return chosen;
  out.push(
    error(
      field,
      chosen === undefined
        ? `lists no version up to ${LATEST_CNI_VERSION}`
        : `the highest usable version here is ${chosen}, which Plexus does not support`,
      `include one of ${SUPPORTED}`,
    ),
  );
  return undefined;
}

/** `cniVersions`: undefined when absent or empty, null after an error. */
function checkVersionList(
  raw: Json,
  base: string,
  isList: boolean,
  out: FindingOut,
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
    out.push(typeError(path, 'a list', v));
    return null;
  }
  let ok = true;
  const list: string[] = [];
  v.forEach((item, i) => {
    if (typeof item !== 'string') {
      out.push(typeError(child(path, i), 'a string', item));
      ok = false;
    } else if (parseCniVersion(item) === undefined) {
      out.push(error(child(path, i), `${quote(item)} is not a version (major.minor.patch)`));
      ok = false;
    } else {
      list.push(item);
    }
  });
  if (!ok) return null;
  return list.length > 0 ? list : undefined;
}

/** libcni reads these as a boolean or the strings "true"/"false" (any case). */
function checkLibcniBool(raw: Json, key: string, base: string, out: FindingOut): void {
  const v = raw[key];
  if (v === undefined || typeof v === 'boolean') return;
  const path = child(base, key);
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) {
    out.push(
      warning(
        path,
        `is the string ${quote(v)}; libcni accepts it, but other runtimes expect a boolean`,
        `write ${v.toLowerCase()} without quotes`,
      ),
    );
    return;
  }
  out.push(typeError(path, 'true or false', v));
}
