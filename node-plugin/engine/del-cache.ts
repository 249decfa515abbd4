// The DEL cache: everything DEL needs to undo an attachment (the delegate networks as they
// ran, their interfaces, capability values and results), one file per (container, ifname)
// under <state dir>/attachments. It is written before the first delegate runs and again when
// ADD completes, always as a temp file renamed into place, so a crash leaves either the old
// or the new record, never half of one. DEL and GC read it; neither needs the API server.
// The file calls are synchronous on purpose: a record is a few KiB in the page cache (no
// fsync), microseconds of work, where a trip through libuv's thread pool costs far more on a
// busy node, on every ADD's critical path.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPlainObject } from '../../api/common/index.ts';
import type { DelegateNetwork } from '../delegate/network-runner.ts';

export const CACHE_KIND = 'plexusAttachmentV1';

/** One delegate of a pod's attachment: the cluster network or one annotation element. */
export interface CachedDelegate {
  /** network-status name: the cluster network's name, or `namespace/name` of a NAD. */
  name: string;
  ifName: string;
  /** True for the cluster (default) network. */
  isDefault: boolean;
  network: DelegateNetwork;
  capabilityArgs: Record<string, unknown>;
  /** Gateways of the element's "default-route", when it has one. */
  defaultRoute?: string[];
  /** The ADD result in the network's version, once ADD of this delegate completed. */
  result?: Record<string, unknown>;
}

export interface CachedAttachment {
  kind: typeof CACHE_KIND;
  containerId: string;
  /** The runtime's CNI_IFNAME of the meta plugin call. */
  ifName: string;
  netns: string;
  cniArgs: string;
  pod?: { namespace: string; name: string; uid?: string };
  /** "adding" until every delegate is added; a crash leaves it so, for DEL or GC to undo. */
  state: 'adding' | 'added';
  createdAt: string;
  delegates: CachedDelegate[];
}

/** The file name of an attachment; both parts are checked by the request parser. */
function fileName(containerId: string, ifName: string): string {
  return `${containerId}_${ifName}.json`;
}

export class DelCache {
  readonly dir: string;
  private seq = 0;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'attachments');
  }

  async init(): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  async write(a: CachedAttachment): Promise<void> {
    const path = join(this.dir, fileName(a.containerId, a.ifName));
    const tmp = `${path}.${process.pid}.${++this.seq}.tmp`;
    writeFileSync(tmp, JSON.stringify(a), { mode: 0o600 });
    renameSync(tmp, path);
  }

  /** The record, or undefined when there is none (or it is unreadable: reported by `onBad`). */
  async read(
    containerId: string,
    ifName: string,
    onBad?: (why: string) => void,
  ): Promise<CachedAttachment | undefined> {
    const path = join(this.dir, fileName(containerId, ifName));
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    const record = parseRecord(text);
    if (record === undefined) onBad?.(`${path} is not an attachment record`);
    return record;
  }

  async remove(containerId: string, ifName: string): Promise<void> {
    rmSync(join(this.dir, fileName(containerId, ifName)), { force: true });
  }

  /** Every readable record (temp files and unreadable files are skipped). */
  async list(): Promise<CachedAttachment[]> {
    const out: CachedAttachment[] = [];
    for (const f of readdirSync(this.dir)) {
      if (!f.endsWith('.json')) continue;
      try {
        const r = parseRecord(readFileSync(join(this.dir, f), 'utf8'));
        if (r !== undefined) out.push(r);
      } catch {
        // removed meanwhile
      }
    }
    return out;
  }
}

function parseRecord(text: string): CachedAttachment | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    if (!isPlainObject(v) || v.kind !== CACHE_KIND || !Array.isArray(v.delegates)) return undefined;
    if (typeof v.containerId !== 'string' || typeof v.ifName !== 'string') return undefined;
    return v as unknown as CachedAttachment;
  } catch {
    return undefined;
  }
}
