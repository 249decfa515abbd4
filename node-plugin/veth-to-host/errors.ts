// The error veth-to-host returns: a CNI error result {code, msg, details} the
// engine prints as the plugin's answer. Codes below 100 are the spec's; the
// plugin's own start at 100.
import type { Finding } from '../../api/common/index.ts';

/** CNI spec error codes, and veth-to-host's own. */
export const CNI_CODES = {
  /** The config's cniVersion is not one this plugin speaks. */
  incompatibleVersion: 1,
  /** The pod's netns is not there (for CHECK: nothing to check). */
  unknownContainer: 3,
  /** CNI_CONTAINERID, CNI_NETNS or CNI_IFNAME is missing or malformed. */
  invalidEnvironment: 4,
  /** The config, or the prevResult in it, is wrong. */
  invalidConfig: 7,
  /** A command that changes or reads the node or the pod failed. */
  systemCommandFailed: 100,
  /** CHECK found the attachment differs from what ADD set up. */
  checkMismatch: 101,
} as const;

/** The CNI error result, and an Error the engine can throw on or print. */
export class CniPluginError extends Error {
  readonly code: number;
  readonly msg: string;
  readonly details: string;
  constructor(code: number, msg: string, details = '') {
    super(details === '' ? msg : `${msg}: ${details}`);
    this.name = 'CniPluginError';
    this.code = code;
    this.msg = msg;
    this.details = details;
  }

  /** The spec's error object (the engine adds cniVersion). */
  toJSON(): { code: number; msg: string; details: string } {
    return { code: this.code, msg: this.msg, details: this.details };
  }
}

/** One line per finding: `field: message (fix: …)`. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings
    .filter((f) => f.severity === 'error')
    .map((f) => `${f.field}: ${f.message}${f.fix === undefined ? '' : ` (fix: ${f.fix})`}`)
    .join('; ');
}

/** An invalid-config error from findings: msg names the first field, details hold them all. */
export function configError(what: string, findings: readonly Finding[]): CniPluginError {
  const first = findings.find((f) => f.severity === 'error');
  const msg =
    first === undefined ? `invalid ${what}` : `invalid ${what}: ${first.field} ${first.message}`;
  return new CniPluginError(CNI_CODES.invalidConfig, msg, describeFindings(findings));
}

/** Any failure as the CNI error the engine prints (an unexpected one as code 100). */
export function asCniError(e: unknown, doing: string): CniPluginError {
  if (e instanceof CniPluginError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new CniPluginError(CNI_CODES.systemCommandFailed, `${doing} failed`, message);
}
