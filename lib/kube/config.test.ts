// Kubeconfig files (inline data, relative paths, contexts) and in-cluster service accounts are
// read as kubectl reads them; what we cannot use fails with a message naming the fix.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKubeConfig, inClusterConfig } from './config.ts';
import { resourcePath } from './resources.ts';
import { PODS, NODES, OVERLAY_NETWORKS, LEASES } from './resources.ts';

const dir = mkdtempSync(join(tmpdir(), 'plexus-kubeconfig-'));
const b64 = (s: string): string => Buffer.from(s).toString('base64');

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const KUBECONFIG = `
apiVersion: v1
kind: Config
current-context: one
clusters:
- name: c1
  cluster: {server: "https://127.0.0.1:6443/", certificate-authority-data: ${b64('CA')}}
- name: c2
  cluster: {server: "https://10.0.0.1", certificate-authority: ca.pem, insecure-skip-tls-verify: true}
users:
- name: u1
  user: {client-certificate-data: ${b64('CERT')}, client-key: key.pem}
- name: u2
  user: {token: abc}
- name: u3
  user: {exec: {command: aws}}
contexts:
- name: one
  context: {cluster: c1, user: u1, namespace: team}
- name: two
  context: {cluster: c2, user: u2}
- name: three
  context: {cluster: c1, user: u3}
`;

describe('loadKubeConfig', () => {
  write('key.pem', 'KEY');
  write('ca.pem', 'CA2');
  const file = write('config', KUBECONFIG);

  it('reads a kubeconfig written as JSON (kubectl does) the same as its YAML', async () => {
    const { parse } = await import('yaml');
    const json = write('config.json', JSON.stringify(parse(KUBECONFIG)));
    for (const context of ['one', 'two'])
      expect(loadKubeConfig({ kubeconfig: json, context })).toEqual({
        ...loadKubeConfig({ kubeconfig: file, context }),
        source: json,
      });
    // Braces that are not JSON are YAML's flow mapping, and YAML's errors name the problem.
    const flow = write('flow.yaml', KUBECONFIG.replace(/^\n/, '').replace(/^/, '{}\n'));
    expect(() => loadKubeConfig({ kubeconfig: flow })).toThrow(/is not valid YAML/);
  });

  it('reads the current context with inline data and files relative to the kubeconfig', () => {
    const c = loadKubeConfig({ kubeconfig: file, env: {} });
    expect(c.server).toBe('https://127.0.0.1:6443');
    expect(c.ca?.toString()).toBe('CA');
    expect(c.cert?.toString()).toBe('CERT');
    expect(c.key?.toString()).toBe('KEY');
    expect(c.namespace).toBe('team');
    expect(c.insecureSkipTlsVerify).toBe(false);
  });

  it('honours another context and $KUBECONFIG', () => {
    const c = loadKubeConfig({ context: 'two', env: { KUBECONFIG: `/nonexistent:${file}` } });
    expect(c).toMatchObject({
      server: 'https://10.0.0.1',
      token: 'abc',
      insecureSkipTlsVerify: true,
    });
    expect(c.ca?.toString()).toBe('CA2');
  });

  it('names what is wrong and what to do', () => {
    expect(() => loadKubeConfig({ kubeconfig: file, context: 'three' })).toThrow(
      /uses an exec or auth-provider plugin.*use a client certificate or a token/,
    );
    expect(() => loadKubeConfig({ kubeconfig: file, context: 'four' })).toThrow(
      /no context named "four"/,
    );
    expect(() => loadKubeConfig({ kubeconfig: join(dir, 'missing') })).toThrow(
      /cannot read kubeconfig .*--kubeconfig/,
    );
    expect(() => loadKubeConfig({ kubeconfig: write('bad', 'a: [') })).toThrow(/is not valid YAML/);
    expect(() => loadKubeConfig({ env: { HOME: dir } })).toThrow(
      /no kubeconfig found: pass --kubeconfig FILE/,
    );
  });

  it('uses the service account in a pod', () => {
    const sa = join(dir, 'sa');
    mkdirSync(sa);
    writeFileSync(join(sa, 'token'), 'tok\n');
    writeFileSync(join(sa, 'ca.crt'), 'CA3');
    writeFileSync(join(sa, 'namespace'), 'plexus-system');
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
    const c = loadKubeConfig({ env, serviceAccountDir: sa });
    expect(c).toMatchObject({
      server: 'https://[fd00::1]:443',
      namespace: 'plexus-system',
      source: 'in-cluster',
    });
    expect(c.tokenFile).toBe(join(sa, 'token'));
    expect(() => inClusterConfig({}, sa)).toThrow(/not in a cluster/);
  });
});

describe('resourcePath', () => {
  it('builds core, group, cluster-scoped and subresource paths', () => {
    expect(resourcePath(PODS, { namespace: 'a', name: 'p' })).toBe('/api/v1/namespaces/a/pods/p');
    expect(resourcePath(PODS)).toBe('/api/v1/pods');
    expect(resourcePath(NODES, { name: 'n1' })).toBe('/api/v1/nodes/n1');
    expect(resourcePath(OVERLAY_NETWORKS, { name: 'blue', subresource: 'status' })).toBe(
      '/apis/plexus.dev/v1alpha1/overlaynetworks/blue/status',
    );
    expect(resourcePath(LEASES, { namespace: 'kube-system' })).toBe(
      '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases',
    );
  });

  it('refuses names that are not one path segment, and a missing namespace', () => {
    expect(() => resourcePath(PODS, { namespace: 'a', name: '../b' })).toThrow(
      /not a path segment/,
    );
    expect(() => resourcePath(PODS, { name: 'p' })).toThrow(/a namespace is required/);
  });
});
