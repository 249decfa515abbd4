// Test certificates made with the openssl CLI (node:crypto makes keys but cannot issue X.509):
// a CA and leaf certificates for 127.0.0.1/localhost with random serials.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface TestCa {
  dir: string;
  cert: string;
  key: string;
}

export interface TestLeaf {
  cert: string;
  key: string;
  /** Upper-case hex, as X509Certificate.serialNumber shows it. */
  serial: string;
}

async function openssl(args: string[]): Promise<void> {
  await exec('openssl', args);
}

export async function createTestCa(dir: string): Promise<TestCa> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = { dir, cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  await openssl([
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-out',
    ca.key,
  ]);
  await openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    ca.key,
    '-subj',
    '/CN=plexus-lib-test-ca',
    '-days',
    '30',
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

/** A serving (or, with usage "clientAuth", client) certificate named `name` in the CA's dir. */
export async function issueTestCert(
  ca: TestCa,
  name: string,
  usage: 'serverAuth' | 'clientAuth' = 'serverAuth',
): Promise<TestLeaf> {
  const key = join(ca.dir, `${name}.key`);
  const csr = join(ca.dir, `${name}.csr`);
  const cert = join(ca.dir, `${name}.crt`);
  const ext = join(ca.dir, `${name}.ext`);
  const serial = randomBytes(8).toString('hex').toUpperCase().replace(/^0+/, '1');
  await openssl([
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-out',
    key,
  ]);
  await openssl(['req', '-new', '-key', key, '-subj', `/CN=${name}`, '-out', csr]);
  writeFileSync(
    ext,
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=${usage}\n` +
      'subjectAltName=IP:127.0.0.1,DNS:localhost\n',
  );
  await openssl([
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
    '2',
    '-sha256',
    '-extfile',
    ext,
    '-out',
    cert,
  ]);
  return { cert, key, serial };
}
