// Secret scrubbing for log records: values under secret-named keys, bearer tokens and PEM
// private keys inside any string, at any depth, are replaced before a line is written.
export const REDACTED = '[REDACTED]';

/** Key names whose values are always secrets (compared case-insensitively, '-' and '_' ignored). */
export const DEFAULT_SECRET_KEYS: readonly string[] = [
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'password',
  'passwd',
  'token',
  'bearertoken',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'secret',
  'clientsecret',
  'privatekey',
  'clientkey',
  'clientkeydata',
  'keydata',
  'keyfilecontent',
  'apikey',
  'tlskey',
  'xapikey',
  'xauthtoken',
];

// `Bearer <token>` / `Basic <creds>` in free text (headers quoted in an error message, say).
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// A PEM private key block, whole or cut off (a truncated key is still a secret).
const PEM_KEY =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
// Nested secrets deeper than this are cut rather than walked (log records are small; a cycle or a
// huge object must not stall the logger).
const MAX_DEPTH = 8;
const MAX_KEYS = 200;

export interface Scrubber {
  /** A copy of `value` with every secret replaced by REDACTED. */
  scrub(value: unknown): unknown;
  /** `text` with bearer/basic credentials and PEM private keys replaced. */
  scrubText(text: string): string;
}

function normalise(key: string): string {
  return key.toLowerCase().replace(/[-_.]/g, '');
}

export function createScrubber(extraKeys: readonly string[] = []): Scrubber {
  const secretKeys = new Set([...DEFAULT_SECRET_KEYS, ...extraKeys].map(normalise));
  const scrubText = (text: string): string =>
    text.replace(PEM_KEY, REDACTED).replace(AUTH_SCHEME, `$1 ${REDACTED}`);

  const walk = (value: unknown, depth: number, seen: Set<object>): unknown => {
    if (typeof value === 'string') return scrubText(value);
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[Truncated]';
    if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
    seen.add(value);
    try {
      if (Array.isArray(value))
        return value.slice(0, MAX_KEYS).map((v) => walk(v, depth + 1, seen));
      const out: Record<string, unknown> = {};
      if (value instanceof Error) {
        // Errors carry their text in non-enumerable fields; keep them, scrubbed.
        out.type = value.name;
        out.message = scrubText(value.message);
        if (value.stack !== undefined) out.stack = scrubText(value.stack);
      }
      let n = 0;
      for (const [k, v] of Object.entries(value)) {
        if (++n > MAX_KEYS) break;
        out[k] = secretKeys.has(normalise(k)) ? REDACTED : walk(v, depth + 1, seen);
      }
      return out;
    } finally {
      seen.delete(value);
    }
  };
  return { scrub: (value) => walk(value, 0, new Set()), scrubText };
}
