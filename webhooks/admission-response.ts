// Turns a handler's verdict into the AdmissionReview the API server reads: allowed with
// warnings, denied with one message naming each field and its fix, or errored. Findings are
// formatted here, once. A denial carries no Status causes: kubectl would print the causes in
// place of the message and drop the name of the webhook that denied.
import { escapeForLine, findingLine } from '../api/common/index.ts';
import type { Finding } from '../api/common/index.ts';
import { ADMISSION_API_VERSION } from './admission-review.ts';

/** What a handler decides: the findings (errors deny, warnings warn), or that it could not decide. */
export type Verdict =
  | { kind: 'findings'; findings: readonly Finding[] }
  | { kind: 'error'; code: number; message: string };

export const ALLOW: Verdict = { kind: 'findings', findings: [] };

/** At most this many errors are spelled out in a denial; the rest are counted. */
export const MAX_LISTED_ERRORS = 10;
/** The API server may drop warnings past 4 KiB in all, or cut one past 256 characters. */
export const MAX_WARNINGS = 10;
export const MAX_WARNING_LENGTH = 256;

/** The denial message: one line per error, the first MAX_LISTED_ERRORS of them. */
export function denialMessage(errors: readonly Finding[]): string {
  const lines = errors.slice(0, MAX_LISTED_ERRORS).map(findingLine);
  if (errors.length > MAX_LISTED_ERRORS)
    lines.push(
      `(and ${errors.length - MAX_LISTED_ERRORS} more errors: run plexus validate on the object to see all)`,
    );
  return lines.join('\n');
}

function warningsOf(findings: readonly Finding[]): string[] {
  const out: string[] = [];
  for (const f of findings) {
    if (f.severity !== 'warning') continue;
    if (out.length === MAX_WARNINGS) break;
    const text = findingLine(f);
    out.push(
      text.length <= MAX_WARNING_LENGTH ? text : `${text.slice(0, MAX_WARNING_LENGTH - 3)}...`,
    );
  }
  return out;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: {
    metadata: Record<string, never>;
    status: 'Failure';
    code: number;
    reason: string;
    message: string;
  };
  warnings?: string[];
}

const NONE: readonly Finding[] = [];

/** The response for a verdict, and the errors it denied for (empty when allowed). */
export function responseFor(
  uid: string,
  verdict: Verdict,
): { response: AdmissionResponse; errors: readonly Finding[] } {
  if (verdict.kind === 'error')
    return { response: errored(uid, verdict.code, verdict.message), errors: [] };
  if (verdict.findings.length === 0) return { response: { uid, allowed: true }, errors: NONE };
  const errors = verdict.findings.filter((f) => f.severity === 'error');
  const warnings = warningsOf(verdict.findings);
  const response: AdmissionResponse = { uid, allowed: errors.length === 0 };
  if (errors.length > 0)
    response.status = {
      metadata: {},
      status: 'Failure',
      code: 422,
      reason: 'Invalid',
      message: denialMessage(errors),
    };
  if (warnings.length > 0) response.warnings = warnings;
  return { response, errors };
}

/** A request the webhook could not judge (bad request, a lookup that failed). */
export function errored(uid: string, code: number, message: string): AdmissionResponse {
  return {
    uid,
    allowed: false,
    status: {
      metadata: {},
      status: 'Failure',
      code,
      reason: code === 400 ? 'BadRequest' : 'InternalError',
      message: escapeForLine(message),
    },
  };
}

const ALLOWED_HEAD = `{"apiVersion":${JSON.stringify(ADMISSION_API_VERSION)},"kind":"AdmissionReview","response":{"uid":`;

/** The AdmissionReview JSON text carrying `response`. */
export function reviewText(response: AdmissionResponse): string {
  // The common answer, a plain allow, without building and serializing the wrapper objects.
  if (response.allowed && response.status === undefined && response.warnings === undefined)
    return `${ALLOWED_HEAD}${JSON.stringify(response.uid)},"allowed":true}}`;
  return JSON.stringify({ apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response });
}
