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

/** A certificate to issue: file name stem, subject, and the openssl extension lines. */
interface CertRequest {
  name: string;
  cn: string;
  orgs: readonly string[];
  ext: string;
}

/** A certificate pair and its serial (upper-case hex, as X509Certificate.serialNumber shows it). */
export interface IssuedCert extends CertPair {
  serial: string;
}

async function issue(dir: string, ca: CertPair, req: CertRequest): Promise<IssuedCert> {
  const { name, cn, orgs, ext } = req;
  // Random serials: issuing in parallel must not share a serial file.
  const serial = randomBytes(8).toString('hex').toUpperCase().replace(/^0+/, '1');
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
    '-set_serial',
    `0x${serial}`,
    '-days',
    '365',
    '-sha256',
    '-extfile',
    extFile,
    '-out',
    cert,
  ]);
  return { cert, key, serial };
}

/** A self-signed CA (EC P-256, 10 years), as `ca.crt` and `ca.key` in `dir`. */
export async function createCa(dir: string): Promise<CertPair> {
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
  return ca;
}

/** The RSA key pair kube-apiserver signs and checks service-account tokens with. */
async function createServiceAccountKeys(dir: string): Promise<{ key: string; pub: string }> {
  const key = join(dir, 'sa.key');
  const pub = join(dir, 'sa.pub');
  await run('openssl', [
    'genpkey',
    '-algorithm',
    'RSA',
    '-pkeyopt',
    'rsa_keygen_bits:2048',
    '-out',
    key,
  ]);
  await run('openssl', ['pkey', '-in', key, '-pubout', '-out', pub]);
  return { key, pub };
}

const SERVING_SANS = [
  'IP:127.0.0.1',
  'IP:10.96.0.1',
  'DNS:localhost',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
].join(',');
const SERVER_EXT = `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${SERVING_SANS}\n`;
const CLIENT_EXT =
  'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n';

export interface LeafRequest {
  /** File name stem in `dir`. */
  name: string;
  /** serverAuth for 127.0.0.1/localhost, or clientAuth; default server. */
  usage?: 'server' | 'client';
  orgs?: readonly string[];
}

const LEAF_SERVER_EXT =
  'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n';

/** A leaf certificate of `ca` (CN = name), for servers on 127.0.0.1 or for clients. */
export function issueCertificate(dir: string, ca: CertPair, req: LeafRequest): Promise<IssuedCert> {
  const ext = req.usage === 'client' ? CLIENT_EXT : LEAF_SERVER_EXT;
  return issue(dir, ca, { name: req.name, cn: req.name, orgs: req.orgs ?? [], ext });
}

/**
 * Makes a CA, an API server serving cert for 127.0.0.1/localhost and the in-cluster
 * names, an admin client (O=system:masters), a restricted client with no rights
 * of its own, and a service-account signing key pair.
 */
export async function createPki(dir: string): Promise<Pki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = await createCa(dir);
  const admin = { name: 'admin', cn: ADMIN_USER, orgs: ['system:masters'], ext: CLIENT_EXT };
  const restricted = {
    name: 'restricted',
    cn: RESTRICTED_USER,
    orgs: [RESTRICTED_GROUP],
    ext: CLIENT_EXT,
  };
  const [serving, adminPair, restrictedPair, sa] = await Promise.all([
    issue(dir, ca, { name: 'apiserver', cn: 'kube-apiserver', orgs: [], ext: SERVER_EXT }),
    issue(dir, ca, admin),
    issue(dir, ca, restricted),
    createServiceAccountKeys(dir),
  ]);
  return {
    dir,
    ca,
    serving,
    admin: { ...adminPair, user: ADMIN_USER, groups: ['system:masters'] },
    restricted: { ...restrictedPair, user: RESTRICTED_USER, groups: [RESTRICTED_GROUP] },
    serviceAccountKey: sa.key,
    serviceAccountPub: sa.pub,
  };
}
