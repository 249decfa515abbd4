// Issues the webhook's own certificates: a self-signed CA and a serving certificate it signs
// for the Service's DNS names (and IPs), both ECDSA P-256 with SHA-256, as PEM. Used when the
// webhook bootstraps its certificates instead of taking them from cert-manager.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  boolean,
  explicit,
  namedBits,
  octetString,
  oid,
  sequence,
  smallInteger,
  tlv,
  time,
  unsignedInteger,
  utf8String,
  TAG,
} from './der.ts';

/** A certificate and its private key, PEM. */
export interface CertAndKey {
  cert: string;
  key: string;
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};
const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 };
/** Issued this long before "now", so a node whose clock is a little behind accepts it. */
const BACKDATE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

function name(commonName: string): Buffer {
  return sequence(tlv(TAG.set, sequence(oid(OID.commonName), utf8String(commonName))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

function keyId(publicKey: KeyObject): Buffer {
  return createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest();
}

function subjectAltNames(names: readonly string[]): Buffer {
  return sequence(
    ...names.map((n) => {
      const family = isIP(n);
      if (family === 0) return tlv(0x82, Buffer.from(n, 'ascii')); // [2] dNSName
      const bytes =
        family === 4 ? Buffer.from(n.split('.').map(Number)) : Buffer.from(new X509Ipv6(n).bytes());
      return tlv(0x87, bytes); // [7] iPAddress
    }),
  );
}

/** IPv6 text to its 16 bytes (handles "::" and an embedded IPv4 tail). */
class X509Ipv6 {
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  bytes(): number[] {
    let text = this.text;
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    if (v4?.[1] !== undefined) {
      const [a = 0, b = 0, c = 0, d = 0] = v4[1].split('.').map(Number);
      text = `${text.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    }
    const [head = '', tail] = text.split('::');
    const h = head === '' ? [] : head.split(':');
    const t = tail === undefined || tail === '' ? [] : tail.split(':');
    const groups =
      tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
    return groups.flatMap((g) => {
      const v = parseInt(g, 16);
      return [v >> 8, v & 0xff];
    });
  }
}

interface Tbs {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: Buffer[];
}

function signCertificate(tbs: Tbs, signingKey: KeyObject): string {
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  const body = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(randomBytes(16)),
    algorithm,
    name(tbs.issuer),
    sequence(time(tbs.notBefore), time(tbs.notAfter)),
    name(tbs.subject),
    tbs.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...tbs.extensions)),
  );
  const signature = sign('sha256', body, signingKey);
  const der = sequence(body, algorithm, bitString(signature));
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`;
}

function keyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export interface ValidityOptions {
  /** Default: the current time. */
  now?: Date;
  validDays: number;
}

function validity(opts: ValidityOptions): { notBefore: Date; notAfter: Date } {
  const now = (opts.now ?? new Date()).getTime();
  return {
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + opts.validDays * DAY_MS),
  };
}

/** A self-signed CA that may sign serving certificates only (path length 0). */
export function createCa(commonName: string, opts: ValidityOptions): CertAndKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const id = keyId(publicKey);
  const cert = signCertificate(
    {
      subject: commonName,
      issuer: commonName,
      publicKey,
      ...validity(opts),
      extensions: [
        extension(OID.basicConstraints, true, sequence(boolean(true), smallInteger(0))),
        extension(
          OID.keyUsage,
          true,
          namedBits([KEY_USAGE.digitalSignature, KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign]),
        ),
        extension(OID.subjectKeyIdentifier, false, octetString(id)),
      ],
    },
    privateKey,
  );
  return { cert, key: keyPem(privateKey) };
}

/** A serving certificate for `names` (DNS names and IP addresses), signed by `ca`. */
export function issueServingCert(
  ca: CertAndKey,
  names: readonly string[],
  opts: ValidityOptions,
): CertAndKey {
  if (names.length === 0)
    throw new Error('a serving certificate needs at least one DNS name or IP');
  const caCert = new X509Certificate(ca.cert);
  const caKey = createPrivateKey(ca.key);
  const caPublic = createPublicKey(caKey);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const cert = signCertificate(
    {
      subject: names[0] ?? '',
      issuer: caCert.subject.replace(/^CN=/, ''),
      publicKey,
      ...validity(opts),
      extensions: [
        extension(OID.basicConstraints, true, sequence()),
        extension(OID.keyUsage, true, namedBits([KEY_USAGE.digitalSignature])),
        extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
        extension(OID.subjectAltName, false, subjectAltNames(names)),
        extension(OID.subjectKeyIdentifier, false, octetString(keyId(publicKey))),
        extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, keyId(caPublic)))),
      ],
    },
    caKey,
  );
  return { cert, key: keyPem(privateKey) };
}
