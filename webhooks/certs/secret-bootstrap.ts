// The webhook's own certificates, kept in a Secret that every replica shares: the first replica
// to find it empty (or expiring) issues a CA and a serving certificate and writes them with the
// Secret's resourceVersion; a replica that loses that race reads the winner's. Each replica
// writes the pair to its certificate dir (the HTTPS server reloads it from there) and keeps the
// ValidatingWebhookConfiguration's caBundle equal to the Secret's CA bundle, writing only when
// it differs and only against the resourceVersion it read, so replicas never fight.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import {
  ApiError,
  SECRETS,
  isAlreadyExists,
  isConflict,
  isNotFound,
} from '../../lib/kube/index.ts';
import type { KubeClient, Secret } from '../../lib/kube/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import { createCa, issueServingCert } from './issue.ts';
import type { CertAndKey } from './issue.ts';
import { syncCaBundle } from './ca-bundle.ts';

export const CERT_FILE = 'tls.crt';
export const KEY_FILE = 'tls.key';
const CA_CERT_KEY = 'ca.crt';
const CA_KEY_KEY = 'ca.key';
const MAX_ATTEMPTS = 5;

export interface CertBootstrapOptions {
  client: KubeClient;
  namespace: string;
  secretName: string;
  /** DNS names and IPs the serving certificate must cover (the Service's names). */
  names: readonly string[];
  /** Where tls.crt and tls.key are written for the HTTPS server. */
  certDir: string;
  /** The ValidatingWebhookConfiguration whose caBundle follows the Secret; none when undefined. */
  webhookConfiguration?: string;
  logger: Logger;
  caValidDays?: number;
  certValidDays?: number;
  /** Default: the current time (tests move it). */
  now?: () => Date;
}

/** What the Secret holds once it is complete. */
export interface CertMaterial {
  /** The CA bundle: the current CA first, then a previous one while it is still valid. */
  caBundle: string;
  ca: CertAndKey;
  serving: CertAndKey;
}

function decode(secret: Secret | undefined, key: string): string | undefined {
  const v = secret?.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

function encode(material: CertMaterial): Record<string, string> {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  return {
    [CA_CERT_KEY]: b64(material.caBundle),
    [CA_KEY_KEY]: b64(material.ca.key),
    [CERT_FILE]: b64(material.serving.cert),
    [KEY_FILE]: b64(material.serving.key),
  };
}

/** PEM certificates of a bundle, in order. */
function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}

/** True while less than a third of the certificate's life is left. */
function needsRenewal(cert: X509Certificate, now: Date): boolean {
  const from = new Date(cert.validFrom).getTime();
  const to = new Date(cert.validTo).getTime();
  return now.getTime() > to - (to - from) / 3;
}

function covers(cert: X509Certificate, names: readonly string[]): boolean {
  return names.every((n) => (isIP(n) === 0 ? cert.checkHost(n) : cert.checkIP(n)) !== undefined);
}

/** The material in a Secret, when it is complete, consistent and not due for renewal. */
export function usableMaterial(
  secret: Secret | undefined,
  names: readonly string[],
  now: Date,
): CertMaterial | undefined {
  const caBundle = decode(secret, CA_CERT_KEY);
  const caKey = decode(secret, CA_KEY_KEY);
  const cert = decode(secret, CERT_FILE);
  const key = decode(secret, KEY_FILE);
  if (caBundle === undefined || caKey === undefined || cert === undefined || key === undefined)
    return undefined;
  try {
    const caPem = splitPem(caBundle)[0];
    if (caPem === undefined) return undefined;
    const ca = new X509Certificate(caPem);
    const leaf = new X509Certificate(cert);
    const fresh =
      !needsRenewal(ca, now) &&
      !needsRenewal(leaf, now) &&
      ca.checkPrivateKey(createPrivateKey(caKey)) &&
      leaf.checkPrivateKey(createPrivateKey(key)) &&
      leaf.verify(ca.publicKey) &&
      covers(leaf, names);
    if (!fresh) return undefined;
    return { caBundle, ca: { cert: caPem, key: caKey }, serving: { cert, key } };
  } catch {
    return undefined; // unreadable material is replaced like missing material
  }
}

/** New material: the CA kept while it is good, else a new one (the old one stays in the bundle
 * while it is valid, so callers that still trust only the old CA keep working). */
export function renewMaterial(
  secret: Secret | undefined,
  opts: Pick<CertBootstrapOptions, 'names' | 'caValidDays' | 'certValidDays'>,
  now: Date,
): CertMaterial {
  const oldBundle = decode(secret, CA_CERT_KEY);
  const oldKey = decode(secret, CA_KEY_KEY);
  let ca: CertAndKey | undefined;
  const keep: string[] = [];
  try {
    const pem = oldBundle === undefined ? undefined : splitPem(oldBundle)[0];
    if (pem !== undefined && oldKey !== undefined) {
      const old = new X509Certificate(pem);
      if (old.checkPrivateKey(createPrivateKey(oldKey)) && !needsRenewal(old, now))
        ca = { cert: pem, key: oldKey };
      else if (new Date(old.validTo).getTime() > now.getTime()) keep.push(pem);
    }
  } catch {
    // An unreadable CA is replaced.
  }
  ca ??= createCa('plexus-webhooks-ca', { validDays: opts.caValidDays ?? 3650, now });
  const serving = issueServingCert(ca, opts.names, { validDays: opts.certValidDays ?? 365, now });
  return { caBundle: [ca.cert, ...keep].join(''), ca, serving };
}

function writeAtomically(path: string, text: string, mode: number): boolean {
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return false;
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
  return true;
}

export class CertBootstrap {
  private readonly opts: CertBootstrapOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<CertMaterial> | undefined;

  constructor(opts: CertBootstrapOptions) {
    this.opts = opts;
  }

  get certFile(): string {
    return join(this.opts.certDir, CERT_FILE);
  }

  get keyFile(): string {
    return join(this.opts.certDir, KEY_FILE);
  }

  /** Makes the Secret hold usable material, writes the files, and syncs the caBundle. */
  ensure(): Promise<CertMaterial> {
    this.running ??= this.ensureOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Re-runs ensure() every intervalMs (renewal, a Secret another replica renewed, a caBundle
   * someone reset); failures are logged and retried at the next tick. */
  start(intervalMs = 60_000): void {
    this.timer = setInterval(() => {
      this.ensure().catch((e: unknown) =>
        this.opts.logger.warn(
          { err: e instanceof Error ? e.message : String(e) },
          'certificate check failed; retrying',
        ),
      );
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async ensureOnce(): Promise<CertMaterial> {
    const material = await this.settleSecret();
    mkdirSync(this.opts.certDir, { recursive: true, mode: 0o700 });
    // Key first: the server loads a pair only once the two match, so either order is safe.
    const changedKey = writeAtomically(this.keyFile, material.serving.key, 0o600);
    const changedCert = writeAtomically(this.certFile, material.serving.cert, 0o644);
    if (changedKey || changedCert)
      this.opts.logger.info(
        { file: this.certFile, validTo: new X509Certificate(material.serving.cert).validTo },
        'serving certificate written',
      );
    if (this.opts.webhookConfiguration !== undefined)
      await syncCaBundle(
        this.opts.client,
        this.opts.webhookConfiguration,
        material.caBundle,
        this.opts.logger,
      );
    return material;
  }

  /** Reads the Secret, and when it is not usable writes new material against the version read. */
  private async settleSecret(): Promise<CertMaterial> {
    const { client, namespace, secretName: name, names, logger } = this.opts;
    const now = (this.opts.now ?? (() => new Date()))();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      let secret: Secret | undefined;
      try {
        secret = await client.get(SECRETS, { namespace, name });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      const usable = usableMaterial(secret, names, now);
      if (usable !== undefined) return usable;
      const material = renewMaterial(secret, this.opts, now);
      try {
        if (secret === undefined)
          await client.create(SECRETS, {
            metadata: { name, namespace },
            type: 'Opaque',
            data: encode(material),
          });
        else
          await client.replace(SECRETS, {
            ...secret,
            data: { ...secret.data, ...encode(material) },
          });
        logger.info(
          { secret: `${namespace}/${name}` },
          'issued webhook certificates into the Secret',
        );
        return material;
      } catch (e) {
        if (e instanceof ApiError && e.status === 403)
          throw new Error(
            `may not ${secret === undefined ? 'create' : 'update'} Secret ${namespace}/${name} (${e.message}); apply manifests/base, which ships the Secret and the Role to update it`,
            { cause: e },
          );
        // Another replica wrote first: read what it wrote.
        if (!isConflict(e) && !isAlreadyExists(e)) throw e;
      }
    }
    throw new Error(
      `Secret ${namespace}/${name} kept changing under ${MAX_ATTEMPTS} attempts to write certificates; check what else writes it`,
    );
  }
}

/** The default DNS names of a Service's serving certificate. */
export function serviceNames(service: string, namespace: string): string[] {
  return [
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
    `${service}.${namespace}`,
    service,
  ];
}
