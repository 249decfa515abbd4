// The store keys by namespace/name, keeps indexers in step through updates and deletes, and
// replace() reports exactly what a re-list added, changed and removed.
import { describe, expect, it } from 'vitest';
import { Store, byLabel, byNamespace, keyOf } from './store.ts';
import type { KubeObject } from './types.ts';

function obj(
  ns: string | undefined,
  name: string,
  rv: string,
  labels?: Record<string, string>,
): KubeObject {
  return { metadata: { namespace: ns, name, resourceVersion: rv, labels } };
}

describe('Store', () => {
  it('keys by namespace/name and finds by index', () => {
    const s = new Store<KubeObject>({ namespace: byNamespace, net: byLabel('net') });
    s.upsert(obj('a', 'p1', '1', { net: 'blue' }));
    s.upsert(obj('a', 'p2', '1', { net: 'red' }));
    s.upsert(obj('b', 'p1', '1', { net: 'blue' }));
    s.upsert(obj(undefined, 'node-1', '1'));
    expect(s.get('a/p1')?.metadata?.resourceVersion).toBe('1');
    expect(s.get('node-1')).toBeDefined();
    expect(keyOf(obj(undefined, 'n', '1'))).toBe('n');
    expect(s.byIndex('namespace', 'a').map(keyOf).sort()).toEqual(['a/p1', 'a/p2']);
    expect(s.byIndex('net', 'blue').map(keyOf).sort()).toEqual(['a/p1', 'b/p1']);
    expect(() => s.byIndex('nope', 'x')).toThrow(/no indexer named "nope"/);
  });

  it('moves an object between index values on update and drops empty values', () => {
    const s = new Store<KubeObject>({ net: byLabel('net') });
    s.upsert(obj('a', 'p', '1', { net: 'blue' }));
    const old = s.upsert(obj('a', 'p', '2', { net: 'red' }));
    expect(old?.metadata?.resourceVersion).toBe('1');
    expect(s.byIndex('net', 'blue')).toEqual([]);
    expect(s.byIndex('net', 'red').map(keyOf)).toEqual(['a/p']);
    expect(s.indexValues('net')).toEqual(['red']);
    s.remove(obj('a', 'p', '3'));
    expect(s.indexValues('net')).toEqual([]);
    expect(s.size).toBe(0);
  });

  it('replace reports added, updated (changed resourceVersion only) and deleted with last state', () => {
    const s = new Store<KubeObject>({ namespace: byNamespace });
    s.replace([obj('a', 'keep', '1'), obj('a', 'change', '1'), obj('a', 'gone', '7')]);
    const r = s.replace([obj('a', 'keep', '1'), obj('a', 'change', '2'), obj('a', 'new', '1')]);
    expect(r.added.map(keyOf)).toEqual(['a/new']);
    expect(r.updated.map((u) => [keyOf(u.obj), u.old.metadata?.resourceVersion])).toEqual([
      ['a/change', '1'],
    ]);
    expect(r.deleted.map((d) => [keyOf(d), d.metadata?.resourceVersion])).toEqual([
      ['a/gone', '7'],
    ]);
    expect(s.keys().sort()).toEqual(['a/change', 'a/keep', 'a/new']);
    expect(s.byIndex('namespace', 'a')).toHaveLength(3);
  });
});
