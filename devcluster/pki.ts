// Certificates for a throwaway control plane, made with the openssl CLI:
// node:crypto makes keys but cannot issue X.509 certificates.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { run } from './proc.ts';

export interface CertPair {
  cert: string;
  key: string;
}

export interface ClientIdentity extends CertPair {
  /** The user name the API server sees (certificate CN). */
  user: string;
  /** Groups (certificate O fields). */
  groups: string[];
}

export interface Pki {
  dir: string;
  ca: CertPair;
  serving: CertPair;
  admin: ClientIdentity;
  restricted: ClientIdentity;
  /** Service-account token signing key (private) and its public key. */
  serviceAccountKey: string;
  serviceAccountPub: string;
}

export const ADMIN_USER = 'plexus-admin';
export const RESTRICTED_USER = 'plexus-restricted';
export const RESTRICTED_GROUP = 'plexus:restricted';

const CA_DAYS = '3650';

async function ecKey(path: string): Promise<void> {
  await run('openssl', [
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-out',
    path,
  ]);
}

/** openssl -subj value; escapes the separators it treats specially. */
function subject(cn: string, orgs: readonly string[]): string {
  const esc = (v: string): string => v.replace(/[/\\=+,]/g, (c) => `\\${c}`);
  return orgs.map((o) => `/O=${esc(o)}`).join('') + `/CN=${esc(cn)}`;
}

async function issue(
  dir: string,
  name: string,
  ca: CertPair,
  cn: string,
  orgs: readonly string[],
  ext: string,
): Promise<CertPair> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const extFile = join(dir, `${name}.ext`);
  await ecKey(key);
  await run('openssl', ['req', '-new', '-key', key, '-subj', subject(cn, orgs), '-out', csr]);
  writeFileSync(extFile, ext);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    // Random serials: issuing in parallel must not share a serial file.
    '-set_serial',
    `0x${randomBytes(8).toString('hex')}`,
    '-days',
    '365',
    '-sha256',
    '-extfile',
    extFile,
    '-out',
    cert,
  ]);
  return { cert, key };
}

/**
 * Makes a CA, an API server serving cert for 127.0.0.1/localhost and the in-cluster
 * names, an admin client (O=system:masters), a restricted client with no rights
 * of its own, and a service-account signing key pair.
 */
export async function createPki(dir: string): Promise<Pki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca: CertPair = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  await ecKey(ca.key);
  await run('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    ca.key,
    '-subj',
    '/CN=plexus-test-ca',
    '-days',
    CA_DAYS,
    '-sha256',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    ca.cert,
  ]);
  const sans = [
    'IP:127.0.0.1',
    'IP:10.96.0.1',
    'DNS:localhost',
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc',
    'DNS:kubernetes.default.svc.cluster.local',
  ].join(',');
  const serverExt = `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans}\n`;
  const clientExt =
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n';

  const [serving, adminPair, restrictedPair] = await Promise.all([
    issue(dir, 'apiserver', ca, 'kube-apiserver', [], serverExt),
    issue(dir, 'admin', ca, ADMIN_USER, ['system:masters'], clientExt),
    issue(dir, 'restricted', ca, RESTRICTED_USER, [RESTRICTED_GROUP], clientExt),
  ]);
  const serviceAccountKey = join(dir, 'sa.key');
  const serviceAccountPub = join(dir, 'sa.pub');
  await run('openssl', [
    'genpkey',
    '-algorithm',
    'RSA',
    '-pkeyopt',
    'rsa_keygen_bits:2048',
    '-out',
    serviceAccountKey,
  ]);
  await run('openssl', ['pkey', '-in', serviceAccountKey, '-pubout', '-out', serviceAccountPub]);
  return {
    dir,
    ca,
    serving,
    admin: { ...adminPair, user: ADMIN_USER, groups: ['system:masters'] },
    restricted: { ...restrictedPair, user: RESTRICTED_USER, groups: [RESTRICTED_GROUP] },
    serviceAccountKey,
    serviceAccountPub,
  };
}
