import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { crdFiles, freePort, kubeconfigYaml } from './control-plane.ts';

describe('kubeconfigYaml', () => {
  it('embeds server, CA and client certificate so the file works on its own', () => {
    const doc = parse(
      kubeconfigYaml('https://127.0.0.1:6443', 'CA PEM', {
        user: 'plexus-admin',
        certPem: 'CERT',
        keyPem: 'KEY',
      }),
    ) as {
      clusters: { cluster: Record<string, string> }[];
      users: { name: string; user: Record<string, string> }[];
      contexts: { context: { user: string } }[];
      'current-context': string;
    };
    expect(doc.clusters[0]?.cluster.server).toBe('https://127.0.0.1:6443');
    expect(
      Buffer.from(
        doc.clusters[0]?.cluster['certificate-authority-data'] ?? '',
        'base64',
      ).toString(),
    ).toBe('CA PEM');
    expect(doc.users[0]?.name).toBe('plexus-admin');
    expect(Buffer.from(doc.users[0]?.user['client-key-data'] ?? '', 'base64').toString()).toBe(
      'KEY',
    );
    expect(doc.contexts[0]?.context.user).toBe('plexus-admin');
    expect(doc['current-context']).toBe('plexus');
  });
});

describe('crdFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plexus-crds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists YAML and JSON manifests sorted, and nothing for a missing dir', () => {
    for (const f of ['b.yaml', 'a.yml', 'c.json', 'crds.test.ts', 'README.md'])
      writeFileSync(join(dir, f), '');
    expect(crdFiles(dir)).toEqual(['a.yml', 'b.yaml', 'c.json'].map((f) => join(dir, f)));
    expect(crdFiles(join(dir, 'missing'))).toEqual([]);
  });
});

describe('freePort', () => {
  it('returns distinct usable ports on 127.0.0.1', async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    for (const p of ports) expect(p).toBeGreaterThan(0);
    expect(new Set(ports).size).toBe(3);
  });
});
