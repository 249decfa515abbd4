// Version negotiation with each delegate binary: ask it once (CNI VERSION) which versions it
// speaks, remember the answer until the binary changes, and send it the highest version it
// shares with the network config (Debian's reference plugins stop at 1.0.0, v1.9 speaks 1.1.0).
import { statSync } from 'node:fs';
import { negotiateCniVersion } from '../../api/cni/index.ts';
import { isPlainObject } from '../../api/common/index.ts';
import { CNI_CODES, CniFailure } from './cni-error.ts';

/** Runs VERSION on a binary; resolves with its parsed stdout. */
export type VersionProbe = (bin: string, requested: string) => Promise<unknown>;

interface Entry {
  /** mtime and size of the binary when it answered. */
  stamp: string;
  versions: Promise<readonly string[]>;
}

export class VersionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly probe: VersionProbe;
  /** VERSION calls made (for tests and metrics). */
  probes = 0;

  constructor(probe: VersionProbe) {
    this.probe = probe;
  }

  /** The versions `bin` supports; asked again only when the file changes. */
  async supported(bin: string, requested: string): Promise<readonly string[]> {
    // Synchronous: one stat, cheaper than a trip through the thread pool on every plugin call.
    const st = statSync(bin);
    const stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    const hit = this.entries.get(bin);
    if (hit !== undefined && hit.stamp === stamp) return hit.versions;
    this.probes++;
    const versions = this.probe(bin, requested).then(readSupported);
    this.entries.set(bin, { stamp, versions });
    // A failed probe is not remembered: the next call asks again.
    versions.catch(() => {
      if (this.entries.get(bin)?.versions === versions) this.entries.delete(bin);
    });
    return versions;
  }

  /** The version to send `bin` for a network of `requested`; CniFailure 1 when they share none. */
  async negotiate(bin: string, type: string, requested: string): Promise<string> {
    const supported = await this.supported(bin, requested);
    const chosen = negotiateCniVersion(requested, supported);
    if (chosen === undefined) {
      throw new CniFailure(
        CNI_CODES.incompatibleVersion,
        `plugin ${type} supports CNI ${supported.join(', ') || 'no version'}, none of them at or below the network's ${requested}`,
        `lower the network's cniVersion, or install a newer ${type}`,
      );
    }
    return chosen;
  }
}

function readSupported(out: unknown): readonly string[] {
  if (!isPlainObject(out) || !Array.isArray(out.supportedVersions))
    throw new CniFailure(CNI_CODES.decodeFailure, 'VERSION answered without supportedVersions');
  return out.supportedVersions.filter((v): v is string => typeof v === 'string');
}
