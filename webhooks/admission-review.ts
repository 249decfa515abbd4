// Reads an admission.k8s.io/v1 AdmissionReview request once into a typed value. What cannot
// carry an answer (not JSON, not a v1 AdmissionReview, no uid) is an HTTP 400; what can (a uid
// is there) but is wrong (no kind, no object, unknown operation) is an AdmissionReview error.
import { isPlainObject, quote } from '../api/common/index.ts';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
const OPERATIONS: ReadonlySet<string> = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

/** group/version/kind as the API server sends it (`group` is "" for the core group). */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** The parts of an AdmissionRequest the handlers read. */
export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  operation: Operation;
  /** "" for cluster-scoped objects. */
  namespace: string;
  /** "" when the object has only generateName. */
  name: string;
  subResource: string;
  dryRun: boolean;
  /** The new object (CREATE, UPDATE); null for DELETE. */
  object: unknown;
  /** The stored object (UPDATE, DELETE); null for CREATE. */
  oldObject: unknown;
}

/** A body that cannot be answered with an AdmissionReview: the HTTP status and why. */
export interface UnanswerableReview {
  ok: false;
  status: 400;
  message: string;
}

/** A review with a uid whose request is unusable: answered as an error with that uid. */
export interface InvalidRequest {
  ok: false;
  status: 200;
  uid: string;
  message: string;
}

export type ParsedReview =
  { ok: true; request: AdmissionRequest } | UnanswerableReview | InvalidRequest;

/** A uid longer than this is not the API server's (it sends a 36-character UUID). */
const MAX_UID_LENGTH = 256;

const unanswerable = (message: string): UnanswerableReview => ({ ok: false, status: 400, message });

export function parseAdmissionReview(body: Buffer): ParsedReview {
  if (body.length === 0) return unanswerable('the request body is empty; send an AdmissionReview');
  let review: unknown;
  try {
    review = JSON.parse(body.toString('utf8'));
  } catch (e) {
    const why = e instanceof Error ? e.message.slice(0, 120) : 'not JSON';
    return unanswerable(`the request body is not JSON (${why}); send an AdmissionReview`);
  }
  if (!isPlainObject(review)) return unanswerable('the request body is not a JSON object');
  if (review.apiVersion !== ADMISSION_API_VERSION || review.kind !== 'AdmissionReview')
    return unanswerable(
      `expected apiVersion ${ADMISSION_API_VERSION} and kind AdmissionReview; register the webhook with admissionReviewVersions: ["v1"]`,
    );
  const request = review.request;
  if (!isPlainObject(request)) return unanswerable('the AdmissionReview has no request object');
  const uid = request.uid;
  if (typeof uid !== 'string' || uid === '' || uid.length > MAX_UID_LENGTH)
    return unanswerable('request.uid must be a non-empty string of at most 256 characters');
  const invalid = (message: string): InvalidRequest => ({ ok: false, status: 200, uid, message });
  const kind = readKind(request.kind);
  if (kind === undefined) return invalid('request.kind must name group, version and kind');
  const operation = request.operation;
  if (typeof operation !== 'string' || !OPERATIONS.has(operation))
    return invalid(`request.operation must be CREATE, UPDATE, DELETE or CONNECT`);
  const object = request.object ?? null;
  const oldObject = request.oldObject ?? null;
  if ((operation === 'CREATE' || operation === 'UPDATE') && !isPlainObject(object))
    return invalid(`request.object must be an object for ${operation}`);
  if (operation === 'UPDATE' && !isPlainObject(oldObject))
    return invalid('request.oldObject must be an object for UPDATE');
  return {
    ok: true,
    request: {
      uid,
      kind,
      operation: operation as Operation,
      namespace: stringOr(request.namespace),
      name: stringOr(request.name),
      subResource: stringOr(request.subResource),
      dryRun: request.dryRun === true,
      object,
      oldObject,
    },
  };
}

function stringOr(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function readKind(v: unknown): GroupVersionKind | undefined {
  if (!isPlainObject(v)) return undefined;
  const { group, version, kind } = v;
  if (typeof version !== 'string' || typeof kind !== 'string' || kind === '') return undefined;
  return { group: typeof group === 'string' ? group : '', version, kind };
}

/** "apps/v1 Deployment", "v1 Pod": how messages name a kind. */
export function kindText(k: GroupVersionKind): string {
  const gv = k.group === '' ? k.version : `${k.group}/${k.version}`;
  return `${quote(gv)} ${quote(k.kind)}`;
}
