import { parse } from 'yaml';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kubeconfigYaml, writeKubeconfig } from './kubeconfig.ts';

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

describe('writeKubeconfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plexus-kubeconfig-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('embeds the PEM files of the identity and is readable by its owner only', () => {
    const pems: [string, string][] = [
      ['ca.crt', 'CA'],
      ['u.crt', 'CERT'],
      ['u.key', 'KEY'],
    ];
    for (const [f, text] of pems) writeFileSync(join(dir, f), text);
    const path = join(dir, 'proxied.kubeconfig');
    const files = {
      caCert: join(dir, 'ca.crt'),
      user: 'u',
      cert: join(dir, 'u.crt'),
      key: join(dir, 'u.key'),
    };
    writeKubeconfig(path, 'https://127.0.0.1:7000', files);
    expect(readFileSync(path, 'utf8')).toBe(
      kubeconfigYaml('https://127.0.0.1:7000', 'CA', { user: 'u', certPem: 'CERT', keyPem: 'KEY' }),
    );
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
