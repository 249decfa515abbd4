// Kubeconfig files with everything embedded (CA, client certificate and key),
// so they work wherever they are copied: one per identity of a control plane,
// and one pointing at another address of the same API server (a fault proxy).
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigIdentity {
  user: string;
  certPem: string;
  keyPem: string;
}

/** Where the PEM files of a client identity are. */
export interface ClientFiles {
  caCert: string;
  user: string;
  cert: string;
  key: string;
}

export function kubeconfigYaml(
  server: string,
  caCertPem: string,
  identity: KubeconfigIdentity,
): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'plexus', cluster: { server, 'certificate-authority-data': b64(caCertPem) } },
    ],
    users: [
      {
        name: identity.user,
        user: {
          'client-certificate-data': b64(identity.certPem),
          'client-key-data': b64(identity.keyPem),
        },
      },
    ],
    contexts: [{ name: 'plexus', context: { cluster: 'plexus', user: identity.user } }],
    'current-context': 'plexus',
  });
}

/** Writes a kubeconfig for `server` with the identity's certificates embedded (mode 0600: it holds a key). */
export function writeKubeconfig(path: string, server: string, files: ClientFiles): void {
  const yaml = kubeconfigYaml(server, readFileSync(files.caCert, 'utf8'), {
    user: files.user,
    certPem: readFileSync(files.cert, 'utf8'),
    keyPem: readFileSync(files.key, 'utf8'),
  });
  writeFileSync(path, yaml, { mode: 0o600 });
}
