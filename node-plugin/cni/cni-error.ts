// CNI errors (spec §"Error"): the well-known codes, the error the agent's code throws, and
// the JSON a plugin prints for one.

/** The spec's well-known error codes (1-99 are reserved to the spec). */
export const CNI_CODES = {
  incompatibleVersion: 1,
  unsupportedField: 2,
  unknownContainer: 3,
  invalidEnvironment: 4,
  ioFailure: 5,
  decodeFailure: 6,
  invalidConfig: 7,
  tryAgainLater: 11,
  notAvailable: 50,
  notAvailableDamaged: 51,
} as const;

/** What a failing plugin without a code of its own reports. */
export const GENERIC_CNI_CODE = 999;

/** A CNI failure: `code` as the spec defines it, `msg` for a person, `details` for a log. */
export class CniFailure extends Error {
  readonly code: number;
  readonly msg: string;
  readonly details: string;
  constructor(code: number, msg: string, details = '') {
    super(details === '' ? msg : `${msg}: ${details}`);
    this.name = 'CniFailure';
    this.code = code;
    this.msg = msg;
    this.details = details;
  }
}

/** Any thrown value as a CniFailure; an Error with a numeric `code` keeps it. */
export function toCniFailure(e: unknown, context?: string): CniFailure {
  const prefix = context === undefined ? '' : `${context}: `;
  if (e instanceof CniFailure)
    return context === undefined ? e : new CniFailure(e.code, `${prefix}${e.msg}`, e.details);
  if (e instanceof Error) {
    const { code, details, msg } = e as { code?: unknown; details?: unknown; msg?: unknown };
    // A plugin error shaped like the spec's ({code, msg, details}) keeps msg and details apart.
    const text = typeof msg === 'string' && msg !== '' ? msg : e.message;
    return new CniFailure(
      typeof code === 'number' && Number.isInteger(code) && code > 0 ? code : GENERIC_CNI_CODE,
      `${prefix}${text}`,
      typeof details === 'string' ? details : '',
    );
  }
  return new CniFailure(GENERIC_CNI_CODE, `${prefix}${String(e)}`);
}

/** The error object printed on stdout, in the request's CNI version. */
export function cniErrorJson(f: CniFailure, cniVersion: string): Record<string, unknown> {
  const out: Record<string, unknown> = { cniVersion, code: f.code, msg: f.msg };
  if (f.details !== '') out.details = f.details;
  return out;
}
