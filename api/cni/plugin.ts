// Checks one plugin configuration object: the fields every plugin shares
// (type, capabilities, runtimeConfig, args, dns, ipam), then its own fields.
import type { FindingOut } from '../common/finding-sink.ts';
import { quote } from '../common/quote.ts';
import { child, error, warning } from '../common/findings.ts';
import { didYouMean, suggestName } from '../common/suggest.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { optObject, pluginTypeProblem, type Json } from './field-readers.ts';
import { checkIpam } from './ipam.ts';
import { checkDns } from './routes-and-dns.ts';
import { KNOWN_PLUGIN_TYPES, NEEDS_IPAM, pluginKind } from './plugin-kinds.ts';
import { checkPlexusOverlay, checkVethToHost } from './plexus-plugins.ts';
import { checkMisspeltKeys, KNOWN_KEYS, pluginKeys } from './known-keys.ts';
import { checkReferencePluginFields } from './reference-plugins.ts';

/** One plugin configuration object as written (unknown keys kept: plugins
 * read them), with its `type` known to be a usable string. */
export type PluginConf = Record<string, unknown> & { type: string };

interface PluginCheckOptions {
  /** Names of existing OverlayNetworks; undefined skips the existence check. */
  overlayNetworks?: ReadonlySet<string> | undefined;
}

/** Returns the plugin when its `type` is usable (other findings may still exist). */
export function checkPlugin(
  p: unknown,
  path: string,
  opts: PluginCheckOptions,
  out: FindingOut,
): PluginConf | undefined {
  if (!isPlainObject(p)) {
    out.push(typeError(path, 'an object', p));
    return undefined;
  }
  const type = checkType(p, path, out);
  const caps = checkCapabilities(p, path, out);
  optObject(p, 'runtimeConfig', path, out);
  optObject(p, 'args', path, out);
  if (p.dns !== undefined) checkDns(p.dns, child(path, 'dns'), out);
  if (type === undefined) return undefined;

  const kind = pluginKind(type);
  const known = pluginKeys(type);
  if (known !== undefined) checkMisspeltKeys({ obj: p, path, owner: type }, known, out);
  if (type === 'plexus-overlay') {
    checkPlexusOverlay(p, path, opts.overlayNetworks, out);
  } else if (type === 'veth-to-host') {
    checkVethToHost(p, path, out);
  } else if (kind === 'interface' || kind === 'unknown') {
    // Chained and standalone plugins ignore `ipam`, so only these read it.
    checkPluginIpam({ p, path, type, caps }, out);
    checkReferencePluginFields(type, p, path, out);
  } else {
    checkReferencePluginFields(type, p, path, out);
  }
  return { ...p, type };
}

/** `capabilities`: booleans, named as runtimes name them. */
function checkCapabilities(p: Json, path: string, out: FindingOut): Json | undefined {
  const caps = optObject(p, 'capabilities', path, out);
  if (caps === undefined) return undefined;
  const capsPath = child(path, 'capabilities');
  for (const [k, v] of Object.entries(caps)) {
    if (typeof v !== 'boolean') out.push(typeError(child(capsPath, k), 'true or false', v));
  }
  const at = {
    obj: caps,
    path: capsPath,
    owner: 'the runtime',
    unknown: 'is not a capability any runtime passes, so the plugin gets nothing for it',
  };
  checkMisspeltKeys(at, KNOWN_KEYS.capabilities, out);
  return caps;
}

interface IpamOwner {
  p: Json;
  path: string;
  type: string;
  caps: Json | undefined;
}

/** The `ipam` of a plugin that creates the interface (or may: a third-party one). */
function checkPluginIpam(at: IpamOwner, out: FindingOut): void {
  const { p, path, type, caps } = at;
  const before = out.length;
  const thirdParty = pluginKind(type) === 'unknown' ? { thirdPartyPlugin: type } : {};
  const ipamType =
    p.ipam === undefined
      ? undefined
      : checkIpam(p.ipam, child(path, 'ipam'), { capabilities: caps, ...thirdParty }, out);
  if (NEEDS_IPAM.has(type) && ipamType === undefined && out.length === before) {
    out.push(
      error(
        child(path, 'ipam'),
        `${type} always runs an IPAM plugin, so it fails without one`,
        'add "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.1.0.0/24"}]]} (or static/dhcp)',
      ),
    );
  }
}

function checkType(p: Json, path: string, out: FindingOut): string | undefined {
  const tPath = child(path, 'type');
  if (p.type === undefined) {
    out.push(
      error(tPath, 'is required: it names the plugin binary to run', 'add "type", e.g. "macvlan"'),
    );
    return undefined;
  }
  if (typeof p.type !== 'string') {
    out.push(typeError(tPath, 'a string', p.type));
    return undefined;
  }
  const type = p.type;
  const problem = pluginTypeProblem(type);
  if (problem !== undefined) {
    out.push(error(tPath, `plugin type ${quote(type)} ${problem}`));
    return undefined;
  }
  const kind = pluginKind(type);
  if (kind === 'forbidden') {
    out.push(
      error(
        tPath,
        "plexus is the node's own meta plugin (the node agent writes its config); a NetworkAttachmentDefinition cannot use it",
        'use "plexus-overlay" with "network" to attach to an OverlayNetwork, or a plugin such as macvlan',
      ),
    );
    return undefined;
  }
  if (kind === 'ipam') {
    out.push(
      error(
        tPath,
        `${type} is an IPAM plugin: it hands out addresses but creates no interface`,
        `put it inside an interface plugin: {"type": "macvlan", "master": "eth1", "ipam": {"type": ${quote(type)}, …}}`,
      ),
    );
    return undefined;
  }
  if (kind === 'unknown') checkTypeSpelling(type, tPath, out);
  return type;
}

/** A type one letter from a known one names a binary that is probably not there. */
function checkTypeSpelling(type: string, field: string, out: FindingOut): void {
  if (KNOWN_PLUGIN_TYPES.includes(type)) return;
  const near = suggestName(type, KNOWN_PLUGIN_TYPES);
  if (near === undefined) return;
  out.push(
    warning(
      field,
      `plugin type ${quote(type)} is not one Plexus knows, and close to ${quote(near)}: the runtime runs the binary of exactly this name`,
      didYouMean(near),
    ),
  );
}
