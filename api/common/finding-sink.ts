// A finding collector with a cap: it keeps the first `cap` findings and only
// counts the rest, so hostile input (an annotation naming 40,000 networks, an
// object with 100,000 bad keys) cannot make a validator hold millions of them.
import { warning, type Finding } from './findings.ts';

/** Where checks put findings: a plain array, or a FindingSink that caps them. */
export interface FindingOut {
  push(f: Finding): void;
  /** Findings put so far, kept or not. */
  readonly length: number;
}

export class FindingSink implements FindingOut {
  readonly findings: Finding[] = [];
  readonly cap: number;
  #dropped = 0;
  #droppedErrors = 0;

  constructor(cap = Number.POSITIVE_INFINITY) {
    this.cap = cap;
  }

  push(f: Finding): void {
    if (this.findings.length < this.cap) {
      this.findings.push(f);
      return;
    }
    this.#dropped++;
    if (f.severity === 'error') this.#droppedErrors++;
  }

  /** Findings seen, kept or not. */
  get count(): number {
    return this.findings.length + this.#dropped;
  }

  /** The same as count, so a sink can stand where an array of findings is expected. */
  get length(): number {
    return this.count;
  }

  /** The findings kept, followed by one that counts those left out (an error
   * when any of them was an error), reported at `field`. */
  close(field: string): Finding[] {
    if (this.#dropped === 0) return this.findings;
    const summary = leftOutFinding(field, this.#dropped, this.#droppedErrors, this.cap);
    return [...this.findings, summary];
  }
}

/** The one finding that says how many findings a cap left out. */
export function leftOutFinding(
  field: string,
  dropped: number,
  droppedErrors: number,
  shown: number,
): Finding {
  const message = `${dropped} more finding(s) (${droppedErrors} error(s)) are not listed; only the first ${shown} are`;
  const fix = 'fix the findings listed, then run the check again';
  return droppedErrors > 0
    ? { field, message, fix, severity: 'error' }
    : warning(field, message, fix);
}
