// What one admission route is: its path, the kinds it accepts, and the function that judges a
// request of those kinds.
import type { AdmissionRequest } from '../admission-review.ts';
import type { Verdict } from '../admission-response.ts';

export interface AdmissionRoute {
  /** URL path, e.g. /validate/pods; also the `webhook` label of the metrics. */
  path: string;
  /** Accepted kinds as "group/Kind" ("" group for core: "/Pod"). */
  kinds: ReadonlySet<string>;
  review(request: AdmissionRequest): Verdict | Promise<Verdict>;
}

export function groupKind(group: string, kind: string): string {
  return `${group}/${kind}`;
}
