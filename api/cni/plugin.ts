// Checks one plugin configuration object: the fields every plugin shares
// (type, capabilities, runtimeConfig, args, dns, ipam), then its own fields.
import type { FindingOut } from '../common/finding-sink.ts';
import { quote } from '../common/quote.ts';
import { child, error } from '../common/findings.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { optObject, pluginTypeProblem, type Json } from './field-readers.ts';
import { checkDns, checkIpam } from './ipam.ts';
import { NEEDS_IPAM, pluginKind } from './plugin-kinds.ts';
import { checkPlexusOverlay, checkVethToHost } from './plexus-plugins.ts';
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

  const caps = optObject(p, 'capabilities', path, out);
  if (caps !== undefined) {
    for (const [k, v] of Object.entries(caps)) {
      if (typeof v !== 'boolean')
        out.push(typeError(child(child(path, 'capabilities'), k), 'true or false', v));
    }
  }
  const runtimeConfig = optObject(p, 'runtimeConfig', path, out);
  optObject(p, 'args', path, out);
  if (p.dns !== undefined) checkDns(p.dns, child(path, 'dns'), out);
  if (type === undefined) return undefined;

  const kind = pluginKind(type);
  if (type === 'plexus-overlay') {
    checkPlexusOverlay(p, path, opts.overlayNetworks, out);
  } else if (type === 'veth-to-host') {
    checkVethToHost(p, path, out);
  } else if (kind === 'interface' || kind === 'unknown') {
    // Chained and standalone plugins ignore `ipam`, so only these read it.
    const before = out.length;
    const ipamType =
      p.ipam === undefined
        ? undefined
        : checkIpam(p.ipam, child(path, 'ipam'), { capabilities: caps, runtimeConfig }, out);
    if (NEEDS_IPAM.has(type) && ipamType === undefined && out.length === before) {
      out.push(
        error(
          child(path, 'ipam'),
          `${type} always runs an IPAM plugin, so it fails without one`,
          'add "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.1.0.0/24"}]]} (or static/dhcp)',
        ),
      );
    }
    checkReferencePluginFields(type, p, path, out);
  } else {
    checkReferencePluginFields(type, p, path, out);
  }
  return { ...p, type };
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
  return type;
}
