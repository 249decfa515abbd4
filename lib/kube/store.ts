// The informer's in-memory cache: objects by "namespace/name" key, with indexers (by namespace,
// by label, or any function) kept in step on every change, and replace() for a re-list that
// reports what was added, changed and removed.
import type { KubeObject } from './types.ts';

/** Returns the index values an object is filed under (none, one or several). */
export type IndexFunc<T> = (obj: T) => readonly string[];

export function keyOf(obj: KubeObject): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}

export const byNamespace: IndexFunc<KubeObject> = (obj) =>
  obj.metadata?.namespace ? [obj.metadata.namespace] : [];

/** Files objects under "key=value" of one label, e.g. byLabel("plexus.dev/network"). */
export function byLabel(label: string): IndexFunc<KubeObject> {
  return (obj) => {
    const v = obj.metadata?.labels?.[label];
    return v === undefined ? [] : [v];
  };
}

export interface ReplaceResult<T> {
  added: T[];
  updated: { old: T; obj: T }[];
  /** Objects the new list no longer has, in their last known state. */
  deleted: T[];
}

export class Store<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexers: Record<string, IndexFunc<T>>;
  // index name → value → keys
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.indexers = indexers;
    for (const name of Object.keys(indexers)) this.indices.set(name, new Map());
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Objects filed under `value` by the indexer `name`. */
  byIndex(name: string, value: string): T[] {
    const index = this.indices.get(name);
    if (!index)
      throw new Error(
        `no indexer named ${JSON.stringify(name)}; add it in the informer's indexers`,
      );
    const keys = index.get(value);
    return keys ? [...keys].map((k) => this.items.get(k) as T) : [];
  }

  /** Index values in use by indexer `name`. */
  indexValues(name: string): string[] {
    return [...(this.indices.get(name)?.keys() ?? [])];
  }

  /** Adds or replaces; returns the previous object. */
  upsert(obj: T): T | undefined {
    const key = keyOf(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    return old;
  }

  /** Removes by the object's key; returns what was stored. */
  remove(obj: KubeObject): T | undefined {
    const key = keyOf(obj);
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  /** Makes the store hold exactly `objs`; an object counts as updated when its resourceVersion changed. */
  replace(objs: Iterable<T>): ReplaceResult<T> {
    const result: ReplaceResult<T> = { added: [], updated: [], deleted: [] };
    const seen = new Set<string>();
    for (const obj of objs) {
      const key = keyOf(obj);
      seen.add(key);
      const old = this.upsert(obj);
      if (!old) result.added.push(obj);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
        result.updated.push({ old, obj });
    }
    for (const [key, old] of [...this.items]) {
      if (seen.has(key)) continue;
      this.unindex(key, old);
      this.items.delete(key);
      result.deleted.push(old);
    }
    return result;
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name) as Map<string, Set<string>>;
      for (const value of fn(obj)) {
        let keys = index.get(value);
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name) as Map<string, Set<string>>;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        if (!keys) continue;
        keys.delete(key);
        // Empty sets would pile up as values come and go (a label per node, say).
        if (keys.size === 0) index.delete(value);
      }
    }
  }
}
