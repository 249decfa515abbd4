import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveBinaries } from './binaries.ts';
import { parseScriptOutput } from './build-script.ts';
import { run } from './proc.ts';
import { BUILD_SCRIPT } from './binaries.ts';

const cache = mkdtempSync(join(tmpdir(), 'plexus-bin-test-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, PLEXUS_CACHE_DIR: cache, ...extra };
  for (const k of ['KUBE_APISERVER_BIN', 'KUBECTL_BIN', 'ETCD_BIN']) if (!(k in extra)) delete e[k];
  return e;
};

describe('binary resolution', () => {
  it('keys cache paths by version under PLEXUS_CACHE_DIR', async () => {
    const out = parseScriptOutput(
      (await run('bash', [BUILD_SCRIPT, '--paths'], { env: env() })).stdout,
    );
    const k8s = out.get('K8S_VERSION') ?? '';
    const etcd = out.get('ETCD_VERSION') ?? '';
    expect(k8s).toMatch(/^v1\.3[4-9]\.\d+$/);
    expect(etcd).toMatch(/^v3\.[56]\.\d+$/);
    expect(out.get('KUBE_APISERVER_BIN')).toBe(
      join(cache, 'bin', `kube-apiserver-${k8s}`, 'kube-apiserver'),
    );
    expect(out.get('KUBECTL_BIN')).toBe(join(cache, 'bin', `kubectl-${k8s}`, 'kubectl'));
    expect(out.get('ETCD_BIN')).toBe(join(cache, 'bin', `etcd-${etcd}`, 'etcd'));
  });

  it('takes binaries from the environment when set', async () => {
    const bins = await resolveBinaries({
      build: false,
      env: env({
        KUBE_APISERVER_BIN: '/bin/true',
        KUBECTL_BIN: '/bin/true',
        ETCD_BIN: '/bin/true',
      }),
    });
    expect([bins.kubeApiserver, bins.kubectl, bins.etcd]).toEqual([
      { path: '/bin/true', source: 'env' },
      { path: '/bin/true', source: 'env' },
      { path: '/bin/true', source: 'env' },
    ]);
  });

  it('names what is missing instead of building when build is off', async () => {
    await expect(
      resolveBinaries({ build: false, env: env({ KUBECTL_BIN: '/bin/true' }) }),
    ).rejects.toThrow(
      /missing Kubernetes binaries: kubeApiserver \(.*\), etcd \(.*\).*KUBE_APISERVER_BIN\/ETCD_BIN/,
    );
  });

  it('rejects an env binary that is not executable', async () => {
    await expect(
      resolveBinaries({ build: false, env: env({ ETCD_BIN: join(cache, 'nope') }) }),
    ).rejects.toThrow(/ETCD_BIN=.* is not an executable file/);
  });
});
