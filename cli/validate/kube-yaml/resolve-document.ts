// Finishes a document js-yaml built with GO_YAML_SCHEMA: applies merge keys in
// go-yaml's order, turns wrapped scalars into JSON values, and measures the
// document as if every alias were expanded, so a small file cannot become a
// huge one (a billion-laughs "alias bomb") or nest deeper than the limit.
// Aliased nodes are shared objects; each is finished and measured once.
import { GoValue, MERGE_MARKER, MARKER, UNSUPPORTED_KEY_MARKER } from './go-yaml-schema.ts';

/** Why a document cannot be read as kubectl would read it. */
export class DocumentProblem extends Error {
  readonly fix: string;

  constructor(message: string, fix: string) {
    super(message);
    this.fix = fix;
  }
}

/** The expansion budget one file may spend (shared by its documents). */
export interface ExpansionBudget {
  /** Units left; one unit is roughly one byte of the expanded document. */
  remaining: number;
  /** The whole budget, for messages. */
  readonly total: number;
  readonly maxDepth: number;
  /** Keys that merge keys (`<<`) may still copy; each copy is a real new
   * entry, unlike an alias, so they get their own, smaller allowance. */
  mergedKeysLeft: number;
  readonly maxMergedKeys: number;
}

interface Measure {
  cost: number;
  height: number;
}

const IN_PROGRESS: Measure = { cost: 0, height: 0 };

/** Returns the finished value and charges its expanded size to `budget`. */
export function resolveDocument(value: unknown, budget: ExpansionBudget): unknown {
  const done = new Walker(budget).finish(value, 1);
  budget.remaining -= done.measure.cost;
  return done.value;
}

interface Finished {
  value: unknown;
  measure: Measure;
}

class Walker {
  readonly #budget: ExpansionBudget;
  readonly #seen = new Map<object, Measure>();

  constructor(budget: ExpansionBudget) {
    this.#budget = budget;
  }

  /** The JSON form of `v` at nesting `depth` (1 = the document), and its expanded measure. */
  finish(v: unknown, depth: number): Finished {
    if (typeof v === 'string') {
      const value = v.startsWith(MARKER) ? fromMarker(v) : v;
      return { value, measure: { cost: value.length + 1, height: 1 } };
    }
    if (v instanceof GoValue) return { value: jsonOf(v), measure: { cost: 1, height: 1 } };
    if (typeof v !== 'object' || v === null) return { value: v, measure: { cost: 1, height: 1 } };
    const known = this.#seen.get(v);
    if (known === IN_PROGRESS) {
      throw new DocumentProblem(
        'an alias refers to a node that contains it',
        'remove the alias loop',
      );
    }
    if (known !== undefined) {
      this.#checkDepth(depth + known.height - 1);
      this.#charge(known.cost);
      return { value: v, measure: known };
    }
    this.#checkDepth(depth);
    this.#seen.set(v, IN_PROGRESS);
    const measure = Array.isArray(v)
      ? this.#finishList(v, depth)
      : this.#finishMap(v as Record<string, unknown>, depth);
    this.#seen.set(v, measure);
    return { value: v, measure };
  }

  #finishList(list: unknown[], depth: number): Measure {
    const sum = { cost: 1, height: 0 };
    for (let i = 0; i < list.length; i++) {
      const item = this.finish(list[i], depth + 1);
      list[i] = item.value;
      this.#add(sum, item.measure, 0);
    }
    return { cost: sum.cost, height: sum.height + 1 };
  }

  #finishMap(map: Record<string, unknown>, depth: number): Measure {
    let merges = false;
    for (const key of Object.keys(map)) {
      if (key.startsWith(UNSUPPORTED_KEY_MARKER)) {
        const what = key.slice(UNSUPPORTED_KEY_MARKER.length);
        throw new DocumentProblem(
          `a map key is ${what}, which JSON cannot hold as a key (kubectl fails on it too)`,
          'quote the key',
        );
      }
      if (key.startsWith(MERGE_MARKER)) merges = true;
      map[key] = this.finish(map[key], depth + 1).value;
    }
    if (merges) applyMerges(map, this.#budget);
    const sum = { cost: 1, height: 0 };
    for (const [key, value] of Object.entries(map)) {
      // Merged-in values were finished as part of their source map.
      this.#add(sum, this.#measureFinished(value), key.length + 1);
    }
    return { cost: sum.cost, height: sum.height + 1 };
  }

  #measureFinished(v: unknown): Measure {
    if (typeof v === 'string') return { cost: v.length + 1, height: 1 };
    if (typeof v !== 'object' || v === null) return { cost: 1, height: 1 };
    const m = this.#seen.get(v);
    if (m === undefined || m === IN_PROGRESS) throw new Error('merged value was not finished');
    this.#charge(m.cost);
    return m;
  }

  #add(sum: Measure, child: Measure, extra: number): void {
    sum.cost += child.cost + extra;
    sum.height = Math.max(sum.height, child.height);
    this.#charge(sum.cost);
  }

  /** Fails as soon as one node alone would exceed what the file has left. */
  #charge(cost: number): void {
    if (cost > this.#budget.remaining) throw budgetProblem(this.#budget);
  }

  #checkDepth(depth: number): void {
    if (depth > this.#budget.maxDepth) {
      throw new DocumentProblem(
        `nests deeper than ${this.#budget.maxDepth} levels (counting expanded aliases); Plexus stops there`,
        'no Kubernetes object nests this deep: check for a runaway generator or an alias that includes itself',
      );
    }
  }
}

function budgetProblem(budget: ExpansionBudget): DocumentProblem {
  return new DocumentProblem(
    `expanding its aliases (*name) would make the file larger than ${budget.total} bytes, the largest file Plexus reads`,
    'write the repeated parts out, or split the file; an alias repeated this often is usually a mistake or an attack',
  );
}

function fromMarker(v: string): string {
  // A merge key used as a value is just the text "<<".
  return v.startsWith(MERGE_MARKER) ? '<<' : v;
}

function jsonOf(v: GoValue): number | null {
  if (v.json === null || Number.isFinite(v.json)) return v.json;
  throw new DocumentProblem(
    `${v.text} is not a number JSON can hold (kubectl fails to convert it)`,
    `quote it (${v.text}) if you mean the text`,
  );
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** go-yaml v2: keys are set in document order and `<<` copies a map's keys
 * over what is there; a list of maps is applied last to first, so the first wins.
 * (JavaScript lists integer-like keys first, so their order against a `<<` is lost.) */
function applyMerges(m: Record<string, unknown>, budget: ExpansionBudget): void {
  const entries = Object.entries(m);
  for (const key of Object.keys(m)) delete m[key];
  for (const [key, value] of entries) {
    if (!key.startsWith(MERGE_MARKER)) {
      setOwn(m, key, value);
      continue;
    }
    const sources = Array.isArray(value) ? [...value].reverse() : [value];
    for (const source of sources) {
      if (!isMap(source)) {
        throw new DocumentProblem(
          'a merge key (<<) needs a map, or a list of maps, as its value',
          'merge only maps (<<: *anchor or <<: [*a, *b])',
        );
      }
      const keys = Object.keys(source);
      budget.mergedKeysLeft -= keys.length;
      if (budget.mergedKeysLeft < 0) {
        throw new DocumentProblem(
          `its merge keys (<<) copy more than ${budget.maxMergedKeys} keys in all; Plexus stops there`,
          'write the repeated parts out, or split the file; merging this much is usually a mistake or an attack',
        );
      }
      for (const k of keys) setOwn(m, k, source[k]);
    }
  }
}

/** Sets a key as an own data property, even `__proto__`. */
function setOwn(m: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(m, key, { value, writable: true, enumerable: true, configurable: true });
}
