/**
 * Test fixtures for a method's table of return codes: the conditions in check order, the ways
 * each can arise, and the precedence cases (two conditions at once: the earlier check wins).
 * A scenario is split into aspects; a variant `sets` aspects (exclusively), `edits` aspects
 * (composable with other edits) and `needs` aspects left as in the base scenario.
 */
import type { HResultName } from '../hresult.js';

/** The aspects of a scenario a variant touches. */
export interface Aspects {
  /** Aspects it assigns, exclusively. */
  readonly sets?: readonly string[];
  /** Aspects it transforms, composable with other edits. */
  readonly edits?: readonly string[];
  /** Aspects that must stay as in the base scenario for it to hold. */
  readonly needs?: readonly string[];
}

/** One way a condition can hold, in a scenario `S` made of aspects `A`. */
export interface Variant<A extends string, S> extends Aspects {
  /** What the row says. */
  readonly name: string;
  readonly sets?: readonly A[];
  readonly edits?: readonly A[];
  readonly needs?: readonly A[];
  /** Makes the condition hold in a scenario. */
  readonly apply: (s: S) => S;
}

/** A condition: the check it belongs to, its code, and the ways it can hold. */
export interface Condition<V> {
  /** The check's number in SEMANTICS.md. */
  readonly check: number;
  /** The HRESULT the check gives. */
  readonly code: HResultName;
  /** The ways it can hold. */
  readonly variants: readonly V[];
}

/** Whether two variants can be applied to one scenario and both still hold. */
export function compatible(a: Aspects, b: Aspects): boolean {
  const set = (v: Aspects) => new Set(v.sets ?? []);
  const touched = (v: Aspects) => new Set([...(v.sets ?? []), ...(v.edits ?? [])]);
  const overlap = (x: Set<string>, y: Iterable<string>) => [...y].some((a) => x.has(a));
  if (overlap(set(a), touched(b)) || overlap(set(b), touched(a))) return false;
  if (overlap(touched(a), b.needs ?? []) || overlap(touched(b), a.needs ?? [])) return false;
  return true;
}

/** One precedence row: `ev` of the earlier condition applied on top of `lv` of the later one. */
export interface PrecedenceCase<V> {
  readonly earlier: Condition<V>;
  readonly ev: V;
  readonly later: Condition<V>;
  readonly lv: V;
}

/**
 * Every precedence case of `conditions` (in check order): for each pair of conditions with
 * different codes and each variant of the later one, the first variant of the earlier one that
 * can hold with it. `variantsOf` picks the variants that apply (default: all).
 */
export function precedenceCases<V extends Aspects>(
  conditions: readonly Condition<V>[],
  variantsOf: (c: Condition<V>) => readonly V[] = (c) => c.variants,
): PrecedenceCase<V>[] {
  const cases: PrecedenceCase<V>[] = [];
  for (const [i, earlier] of conditions.entries()) {
    for (const later of conditions.slice(i + 1)) {
      if (later.code === earlier.code) continue;
      for (const lv of variantsOf(later)) {
        const ev = variantsOf(earlier).find((v) => compatible(v, lv));
        if (ev !== undefined) cases.push({ earlier, ev, later, lv });
      }
    }
  }
  return cases;
}

/**
 * The pairs of conditions (named by `key`, `earlier/later`) with different codes that no case
 * covers: the test compares them with the pairs it says cannot hold at once.
 */
export function uncoveredPairs<V extends Aspects>(
  conditions: readonly Condition<V>[],
  key: (c: Condition<V>) => string,
  variantsOf: (c: Condition<V>) => readonly V[] = (c) => c.variants,
): string[] {
  const covered = new Set(
    precedenceCases(conditions, variantsOf).map((c) => `${key(c.earlier)}/${key(c.later)}`),
  );
  const uncovered: string[] = [];
  for (const [i, earlier] of conditions.entries()) {
    if (variantsOf(earlier).length === 0) continue;
    for (const later of conditions.slice(i + 1)) {
      if (earlier.code === later.code || variantsOf(later).length === 0) continue;
      const pair = `${key(earlier)}/${key(later)}`;
      if (!covered.has(pair) && !uncovered.includes(pair)) uncovered.push(pair);
    }
  }
  return uncovered.sort();
}
