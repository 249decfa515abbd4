import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_KIND, DelCache } from './del-cache.ts';
import type { CachedAttachment } from './del-cache.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plexus-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const record = (containerId: string): CachedAttachment => ({
  kind: CACHE_KIND,
  containerId,
  ifName: 'eth0',
  netns: '/var/run/netns/x',
  cniArgs: '',
  state: 'adding',
  createdAt: new Date(0).toISOString(),
  delegates: [
    {
      name: 'default',
      ifName: 'eth0',
      isDefault: true,
      network: { name: 'default', cniVersion: '1.0.0', plugins: [{ type: 'bridge' }] },
      capabilityArgs: {},
    },
  ],
});

describe('DelCache', () => {
  it('writes records atomically (no temp file left), reads, lists and removes them', async () => {
    const cache = new DelCache(dir);
    await cache.init();
    await cache.write(record('a'));
    await cache.write({ ...record('a'), state: 'added' });
    await cache.write(record('b'));
    expect(readdirSync(cache.dir).sort()).toEqual(['a_eth0.json', 'b_eth0.json']);
    expect((await cache.read('a', 'eth0'))?.state).toBe('added');
    expect((await cache.list()).map((r) => r.containerId).sort()).toEqual(['a', 'b']);
    await cache.remove('a', 'eth0');
    await cache.remove('a', 'eth0');
    expect(await cache.read('a', 'eth0')).toBeUndefined();
  });

  it('reports an unreadable record and skips it in listings (a half-written temp file never counts)', async () => {
    const cache = new DelCache(dir);
    await cache.init();
    writeFileSync(join(cache.dir, 'x_eth0.json'), '{"kind":"plexusAttachmentV1"');
    writeFileSync(join(cache.dir, 'y_eth0.json.123.1.tmp'), '{}');
    const bad: string[] = [];
    expect(await cache.read('x', 'eth0', (why) => bad.push(why))).toBeUndefined();
    expect(bad).toEqual([expect.stringMatching(/is not an attachment record/)]);
    expect(await cache.list()).toEqual([]);
  });
});
