// ApiError: a failed API request with the server's status code, reason and message, and
// predicates for the cases callers branch on (not found, conflict, gone, already exists).
import type { Status } from './types.ts';

export class ApiError extends Error {
  readonly status: number;
  /** The Status reason ("NotFound", "Conflict", "Expired", …) when the server sent one. */
  readonly reason: string;
  readonly method: string;
  readonly path: string;
  /** The server's Status object, when the body was one. */
  readonly body?: Status;
  constructor(init: {
    status: number;
    reason?: string;
    message: string;
    method: string;
    path: string;
    body?: Status;
  }) {
    super(
      `${init.method} ${init.path}: ${init.status} ${init.reason ?? ''}: ${init.message}`.replace(
        / : /,
        ': ',
      ),
    );
    this.name = 'ApiError';
    this.status = init.status;
    this.reason = init.reason ?? '';
    this.method = init.method;
    this.path = init.path;
    this.body = init.body;
  }
}

/** Builds the error for a non-2xx answer, from its body when that is a Status. */
export function apiErrorFrom(status: number, text: string, method: string, path: string): ApiError {
  let body: Status | undefined;
  try {
    const parsed = JSON.parse(text) as Status;
    if (parsed && parsed.kind === 'Status') body = parsed;
  } catch {
    // not JSON (a proxy's HTML page, say)
  }
  const message = body?.message ?? (text.trim().slice(0, 300) || `HTTP ${status}`);
  return new ApiError({ status, reason: body?.reason, message, method, path, body });
}

const statusOf = (e: unknown): number | undefined => (e instanceof ApiError ? e.status : undefined);
export const isNotFound = (e: unknown): boolean => statusOf(e) === 404;
export const isConflict = (e: unknown): boolean =>
  statusOf(e) === 409 && (e as ApiError).reason !== 'AlreadyExists';
export const isAlreadyExists = (e: unknown): boolean =>
  statusOf(e) === 409 && (e as ApiError).reason === 'AlreadyExists';
/** 410 Gone / Expired: the resourceVersion is too old; re-list. */
export const isGone = (e: unknown): boolean =>
  statusOf(e) === 410 || (e instanceof ApiError && /too old resource version/i.test(e.message));
