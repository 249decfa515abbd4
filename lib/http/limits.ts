// Limits every server of ours applies: header and whole-request deadlines (against slow-loris
// clients), keep-alive, TLS handshake deadline, and a cap on the body size.
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';

export interface ServerLimits {
  /** Request bodies over this many bytes get 413; default 1 MiB (an AdmissionReview is far smaller). */
  maxBodyBytes: number;
  /** All request headers must arrive within this; default 10 s. */
  headersTimeoutMs: number;
  /** The whole request (headers and body) must arrive within this; default 30 s. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this; default 65 s (longer than the typical 60 s LB idle time). */
  keepAliveTimeoutMs: number;
  /** A TLS handshake must finish within this; default 10 s. */
  handshakeTimeoutMs: number;
  /** Headers over this many bytes get 431; default 16 KiB (Node's default). */
  maxHeaderBytes: number;
  /** After a 413 the rest of the body is read and discarded, so the client can read the answer
   * before the connection closes: up to this many bytes; default 16 × maxBodyBytes. */
  maxDrainBytes: number;
  /** …until the client pauses this long (and within requestTimeoutMs in all); default 2 s. */
  drainIdleMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxBodyBytes: 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  handshakeTimeoutMs: 10_000,
  maxHeaderBytes: 16 * 1024,
  maxDrainBytes: 16 * 1024 * 1024,
  drainIdleMs: 2000,
};

/** The limits with defaults filled in, or an error naming the bad field. */
export function resolveLimits(partial: Partial<ServerLimits> = {}): ServerLimits {
  const limits = {
    ...DEFAULT_LIMITS,
    maxDrainBytes: 16 * (partial.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes),
    ...partial,
  };
  for (const [field, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`server limit ${field} must be a positive number, got ${String(value)}`);
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    throw new Error(
      `server limit headersTimeoutMs (${limits.headersTimeoutMs}) must not exceed requestTimeoutMs (${limits.requestTimeoutMs})`,
    );
  return limits;
}

/**
 * Node checks the header and request deadlines only every connectionsCheckingInterval (30 s by
 * default), so a slow client could hold a socket far past its deadline: check 4 times per
 * header deadline, at least every second.
 */
export function checkingIntervalMs(limits: ServerLimits): number {
  return Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4)));
}

/** Options for http.createServer / https.createServer that carry the limits. */
export function serverOptions(limits: ServerLimits): {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  maxHeaderSize: number;
  connectionsCheckingInterval: number;
  requireHostHeader: boolean;
} {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    connectionsCheckingInterval: checkingIntervalMs(limits),
    // Probes and the API server always send Host; a missing one is a broken or hostile client.
    requireHostHeader: true,
  };
}

/** Limits that are properties rather than constructor options. */
export function applyLimits(server: HttpServer | HttpsServer, limits: ServerLimits): void {
  // A connection that never sends a byte (no request, so no header deadline yet) is cut too.
  server.timeout = limits.requestTimeoutMs + limits.keepAliveTimeoutMs;
  server.maxRequestsPerSocket = 0;
}
