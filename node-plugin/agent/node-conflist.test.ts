import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkMetaConfig, defaultMetaOptions } from '../../api/cni/index.ts';
import {
  capabilitiesOf,
  findClusterNetwork,
  removeNodeConflist,
  renderNodeConflist,
  writeNodeConflist,
} from './node-conflist.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plexus-netd-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const flannel = {
  cniVersion: '1.0.0',
  name: 'cbr0',
  plugins: [
    { type: 'flannel', delegate: {} },
    { type: 'portmap', capabilities: { portMappings: true } },
    { type: 'bandwidth', capabilities: { bandwidth: true } },
  ],
};

describe('the node conflist', () => {
  it('wraps the first other config by name, skipping ours, unreadable files and other extensions', async () => {
    writeFileSync(join(dir, '00-plexus.conflist'), '{}');
    writeFileSync(join(dir, '05-broken.conf'), '{not json');
    writeFileSync(join(dir, '07-notes.txt'), '{"type":"x"}');
    writeFileSync(join(dir, '10-flannel.conflist'), JSON.stringify(flannel));
    writeFileSync(
      join(dir, '20-other.conf'),
      JSON.stringify({ cniVersion: '1.0.0', name: 'x', type: 'bridge' }),
    );
    const skipped: string[] = [];
    const found = await findClusterNetwork(dir, (f) => skipped.push(f));
    expect(found?.file).toBe(join(dir, '10-flannel.conflist'));
    expect(skipped).toEqual([join(dir, '05-broken.conf')]);
    expect(capabilitiesOf(flannel)).toEqual({ portMappings: true, bandwidth: true });
  });

  it('renders the meta config the api contract reads back, and writes it only when it changes', async () => {
    const text = renderNodeConflist(
      defaultMetaOptions(),
      { file: 'x', config: flannel },
      '/run/plexus/agent.sock',
    );
    const back = checkMetaConfig(text);
    expect(back.value).toMatchObject({
      namespaceIsolation: false,
      socketPath: '/run/plexus/agent.sock',
      capabilities: { portMappings: true, bandwidth: true },
      clusterNetwork: flannel,
    });
    expect(await writeNodeConflist(dir, text)).toBe(true);
    expect(await writeNodeConflist(dir, text)).toBe(false);
    expect(readFileSync(join(dir, '00-plexus.conflist'), 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['00-plexus.conflist']);
    await removeNodeConflist(dir);
    await removeNodeConflist(dir);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('skips a FIFO, a directory and an oversized file instead of blocking on them', async () => {
    execFileSync('mkfifo', [join(dir, '01-fifo.conf')]);
    mkdirSync(join(dir, '02-dir.conf'));
    writeFileSync(join(dir, '03-huge.conf'), `{"type":"x","pad":"${'a'.repeat(1024 * 1024)}"}`);
    writeFileSync(join(dir, '10-flannel.conflist'), JSON.stringify(flannel));
    const skipped: string[] = [];
    const found = await findClusterNetwork(dir, (f, why) => skipped.push(`${f}: ${why}`));
    expect(found?.file).toBe(join(dir, '10-flannel.conflist'));
    expect(skipped).toEqual([
      expect.stringMatching(/01-fifo.conf: .* is not a regular file/),
      expect.stringMatching(/02-dir.conf: .*/),
      expect.stringMatching(/03-huge.conf: .* over the 1048576 read here/),
    ]);
  });

  it('finds nothing in an empty or missing dir', async () => {
    expect(await findClusterNetwork(dir)).toBeUndefined();
    expect(await findClusterNetwork(join(dir, 'missing'))).toBeUndefined();
  });
});
