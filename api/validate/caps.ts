// Caps on what one validation run reports: a hostile file (one pod naming
// 40,000 networks, thousands of broken objects) must not make the CLI hold or
// print millions of findings. Errors are kept before warnings; what is left
// out is counted in one finding.
import { leftOutFinding } from '../common/finding-sink.ts';
import type { Finding } from '../common/findings.ts';

/** At most this many findings are listed for one object. */
export const MAX_FINDINGS_PER_OBJECT = 100;
/** At most this many findings are listed for the whole set. */
export const MAX_FINDINGS_TOTAL = 2000;

/** Field of the findings that count what a cap left out. */
export const LEFT_OUT_FIELD = '(more findings)';

export class FindingBudget {
  #left: number;
  #dropped = 0;
  #droppedErrors = 0;
  #objects = 0;

  constructor(total = MAX_FINDINGS_TOTAL) {
    this.#left = total;
  }

  /** The findings of one object to list: errors first, at most
   * MAX_FINDINGS_PER_OBJECT and what the total budget still allows, and one
   * more finding counting the rest of this object's when the object cap cut them. */
  take(findings: readonly Finding[]): Finding[] {
    const ordered = [
      ...findings.filter((f) => f.severity === 'error'),
      ...findings.filter((f) => f.severity !== 'error'),
    ];
    const perObject = Math.min(ordered.length, MAX_FINDINGS_PER_OBJECT);
    const kept = ordered.slice(0, Math.min(perObject, this.#left));
    this.#left -= kept.length;
    const overObject = ordered.slice(perObject);
    const overTotal = ordered.slice(kept.length, perObject);
    if (overTotal.length > 0) {
      this.#objects++;
      this.#dropped += overTotal.length;
      this.#droppedErrors += overTotal.filter((f) => f.severity === 'error').length;
    }
    if (overObject.length === 0) return kept;
    const errors = overObject.filter((f) => f.severity === 'error').length;
    return [...kept, leftOutFinding(LEFT_OUT_FIELD, overObject.length, errors, perObject)];
  }

  /** The finding that counts what the total budget left out, if anything. */
  summary(): Finding | undefined {
    if (this.#dropped === 0) return undefined;
    const f = leftOutFinding(
      LEFT_OUT_FIELD,
      this.#dropped,
      this.#droppedErrors,
      MAX_FINDINGS_TOTAL,
    );
    return {
      ...f,
      message: `${f.message} for the whole set (${this.#objects} object(s) affected)`,
    };
  }
}
