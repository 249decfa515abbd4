// The node's CNI config: 00-plexus.conflist, which sorts first in the conf dir so the runtime
// runs the plexus meta plugin. It wraps the node's cluster network (the first other config in
// the dir, by name, as kubelet and containerd pick it) and declares that network's
// capabilities, so the runtime still passes portMappings, bandwidth and the like. It is
// written atomically (temp file, then rename) and only when its bytes change.
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NODE_CONFLIST_FILE, PLEXUS_META_TYPE, renderMetaConfig } from '../../api/cni/index.ts';
import type { PlexusMetaOptions } from '../../api/cni/index.ts';
import { isPlainObject } from '../../api/common/index.ts';
import { readRegularFile } from './regular-file.ts';

/** A CNI config larger than this is not one (libcni reads any size; we refuse to). */
const MAX_CONF_BYTES = 1024 * 1024;

/** The extensions libcni reads (ConfFiles with .conf, .conflist, .json). */
const CONF_EXTENSIONS = /\.(conf|conflist|json)$/;

export interface ClusterNetworkFile {
  file: string;
  config: Record<string, unknown>;
}

/** The first config of the dir other than ours, or undefined; unreadable files are skipped (and named). */
export async function findClusterNetwork(
  confDir: string,
  onSkip?: (file: string, why: string) => void,
): Promise<ClusterNetworkFile | undefined> {
  let names: string[];
  try {
    names = (await readdir(confDir))
      .filter((f) => CONF_EXTENSIONS.test(f) && !f.startsWith('.'))
      .sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  for (const name of names) {
    if (name === NODE_CONFLIST_FILE) continue;
    const file = join(confDir, name);
    try {
      const config = JSON.parse(
        (await readRegularFile(file, MAX_CONF_BYTES)).toString('utf8'),
      ) as unknown;
      if (!isPlainObject(config)) throw new Error('not a JSON object');
      if (isPlexus(config)) continue; // another copy of ours (e.g. renamed by hand)
      if (config.type === undefined && !Array.isArray(config.plugins))
        throw new Error('neither "type" nor "plugins"');
      return { file, config };
    } catch (e) {
      onSkip?.(file, (e as Error).message);
    }
  }
  return undefined;
}

function isPlexus(config: Record<string, unknown>): boolean {
  if (config.type === PLEXUS_META_TYPE) return true;
  return (
    Array.isArray(config.plugins) &&
    config.plugins.some((p) => isPlainObject(p) && p.type === PLEXUS_META_TYPE)
  );
}

/** The capabilities any plugin of the network declares. */
export function capabilitiesOf(config: Record<string, unknown>): Record<string, boolean> {
  const plugins = Array.isArray(config.plugins) ? (config.plugins as unknown[]) : [config];
  const caps: Record<string, boolean> = {};
  for (const p of plugins) {
    if (!isPlainObject(p) || !isPlainObject(p.capabilities)) continue;
    for (const [k, v] of Object.entries(p.capabilities)) if (v === true) caps[k] = true;
  }
  return caps;
}

/** The text of 00-plexus.conflist for this node. */
export function renderNodeConflist(
  options: PlexusMetaOptions,
  cluster: ClusterNetworkFile,
  socketPath: string,
): string {
  const capabilities = capabilitiesOf(cluster.config);
  return renderMetaConfig({
    ...options,
    socketPath,
    clusterNetwork: cluster.config,
    ...(Object.keys(capabilities).length > 0 ? { capabilities } : {}),
  });
}

/** Writes the conflist if its bytes differ; true when it wrote. */
export async function writeNodeConflist(confDir: string, text: string): Promise<boolean> {
  const path = join(confDir, NODE_CONFLIST_FILE);
  try {
    if ((await readRegularFile(path, MAX_CONF_BYTES)).toString('utf8') === text) return false;
  } catch {
    // absent: write it
  }
  // A dot name without a config extension: the runtime never reads a half-written file.
  const tmp = join(confDir, `.${NODE_CONFLIST_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, path);
  return true;
}

export async function removeNodeConflist(confDir: string): Promise<void> {
  await rm(join(confDir, NODE_CONFLIST_FILE), { force: true });
}
