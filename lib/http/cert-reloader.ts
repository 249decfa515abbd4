// Keeps a TLS server's certificate in step with its files: watches them (and their directory,
// since Kubernetes swaps a Secret volume through a symlink) and re-checks on an interval; a new
// pair is used only once it loads and matches, so a half-written pair keeps the old one.
import { readFileSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { createHash, X509Certificate } from 'node:crypto';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { SecureContext, SecureContextOptions } from 'node:tls';

export interface CertFiles {
  certFile: string;
  keyFile: string;
}

export interface LoadedCert {
  context: SecureContext;
  /** The PEM bytes it was made from (server.setSecureContext takes these, not a context). */
  cert: Buffer;
  key: Buffer;
  /** SHA-256 of cert and key bytes; a change means a new pair. */
  digest: string;
  /** The leaf certificate's serial number and expiry, for logs. */
  serialNumber: string;
  validTo: string;
}

/** Thrown for a pair that does not load (missing, half-written, or key and cert do not match). */
export class CertLoadError extends Error {
  constructor(files: CertFiles, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      `cannot load TLS certificate ${files.certFile} with key ${files.keyFile}: ${why}; ` +
        'write a PEM certificate and its matching PEM private key',
    );
    this.name = 'CertLoadError';
  }
}

/** Reads and checks a pair; extra options (minVersion, ciphers) go into the context. */
export function loadCert(files: CertFiles, base: SecureContextOptions = {}): LoadedCert {
  try {
    const cert = readFileSync(files.certFile);
    const key = readFileSync(files.keyFile);
    // createSecureContext fails on a cut-off PEM and on a key that does not match the certificate.
    const context = createSecureContext({ ...base, cert, key });
    const x509 = new X509Certificate(cert);
    const digest = createHash('sha256').update(cert).update('\0').update(key).digest('hex');
    return { context, cert, key, digest, serialNumber: x509.serialNumber, validTo: x509.validTo };
  } catch (e) {
    throw new CertLoadError(files, e);
  }
}

export interface CertReloaderOptions extends CertFiles {
  /** The pair in use now (loaded by the caller at start, so a bad pair fails the start). */
  current: LoadedCert;
  /** Options for every new context (minVersion …). */
  base?: SecureContextOptions;
  /** Re-check the files this often, whether or not a watch event came; default 10 s. */
  intervalMs?: number;
  onReload(cert: LoadedCert): void;
  /** A changed pair that does not load yet (reported once per distinct failure). */
  onError(err: CertLoadError): void;
}

export interface CertReloader {
  /** Loads the files now; returns true when a new pair took effect. */
  check(): boolean;
  current(): LoadedCert;
  stop(): void;
}

export function watchCert(opts: CertReloaderOptions): CertReloader {
  let current = opts.current;
  let lastError = '';
  const check = (): boolean => {
    let next: LoadedCert;
    try {
      next = loadCert(opts, opts.base);
    } catch (e) {
      const err = e as CertLoadError;
      if (err.message !== lastError) opts.onError(err);
      lastError = err.message;
      return false;
    }
    lastError = '';
    if (next.digest === current.digest) return false;
    current = next;
    opts.onReload(next);
    return true;
  };

  // Writers replace files in several steps; wait for the burst of events to settle.
  let pending: NodeJS.Timeout | undefined;
  const soon = (): void => {
    clearTimeout(pending);
    pending = setTimeout(check, 100);
    pending.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set([dirname(opts.certFile), dirname(opts.keyFile)])) {
    try {
      const w = watch(dir, { persistent: false }, soon);
      w.on('error', () => w.close()); // the directory went away: the interval still checks
      watchers.push(w);
    } catch {
      // Not watchable (e.g. gone at the moment): the interval covers it.
    }
  }
  const interval = setInterval(check, opts.intervalMs ?? 10_000);
  interval.unref();
  return {
    check,
    current: () => current,
    stop() {
      clearInterval(interval);
      clearTimeout(pending);
      for (const w of watchers) w.close();
    },
  };
}
