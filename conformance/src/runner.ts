/**
 * `runConformance`: runs every property against a subject and folds the outcome into one line
 * per requirement. A property that fails is run again with the failing requirement set aside, so
 * one bug does not hide another; each failure keeps its shrunk counterexample and the seed and
 * path that replay it.
 * @module
 */
import fc from 'fast-check';
import { CATALOGUE, requirement } from './catalogue.js';
import { ALL_PROPERTIES } from './properties/index.js';
import {
  type CaseContext,
  IgnoredViolation,
  type PropertyDefinition,
  Violation,
} from './property.js';
import type { Subject } from './subject.js';

/** Options of a run. */
export interface RunOptions {
  /** Cases per property (default 100). */
  readonly runs?: number;
  /** fast-check seed (default: drawn at random and reported). */
  readonly seed?: number;
  /** Replays one counterexample (with `filter` naming its property). */
  readonly path?: string;
  /** Runs only properties whose name, or one of whose requirement ids, starts with this. */
  readonly filter?: string;
  /** The properties to run (default: all of the suite). */
  readonly properties?: readonly PropertyDefinition<unknown>[];
  /** Called after each property. */
  readonly onProgress?: (property: string, done: number, total: number) => void;
  /** The module the subject came from, for replay commands. */
  readonly subjectModule?: string;
}

/** A failing requirement's evidence. */
export interface Counterexample {
  /** The property that found it. */
  readonly property: string;
  /** What went wrong. */
  readonly message: string;
  /** The shrunk input, as JSON-able data. */
  readonly value: unknown;
  readonly seed: number;
  readonly path: string;
  /** The command that replays it. */
  readonly replay: string;
}

/** One line of the report. */
export interface RequirementResult {
  readonly id: string;
  readonly text: string;
  readonly status: 'pass' | 'fail';
  /** Cases that exercised the requirement. */
  readonly cases: number;
  readonly counterexample?: Counterexample;
}

/** The outcome of a run. */
export interface ConformanceReport {
  readonly ok: boolean;
  readonly subject: string;
  /** The module the subject was loaded from, when it was. */
  readonly subjectModule?: string;
  readonly requirements: readonly RequirementResult[];
  /** Every case generated (all properties, shrinking excluded). */
  readonly cases: number;
  readonly casesPerSecond: number;
  readonly durationMs: number;
  readonly seed: number;
  readonly runs: number;
}

const MAX_PASSES = 12;

/** The longest one case may take. */
export const CASE_TIMEOUT_MS = 30_000;

function selected(
  properties: readonly PropertyDefinition<unknown>[],
  filter: string | undefined,
): PropertyDefinition<unknown>[] {
  if (filter === undefined || filter === '') return [...properties];
  return properties.filter(
    (property) =>
      property.name.startsWith(filter) || property.covers.some((id) => id.startsWith(filter)),
  );
}

/** JSON-able form of a counterexample (undefined and -0 kept readable). */
function plain(value: unknown): unknown {
  // fast-check command sequences print as the commands they ran
  if (
    typeof value === 'object' &&
    value !== null &&
    Symbol.iterator in value &&
    !Array.isArray(value) &&
    value.toString !== Object.prototype.toString
  ) {
    return { commands: String(value) };
  }
  return JSON.parse(
    JSON.stringify(value, (_key, v) => (v === undefined ? '<undefined>' : v)) ?? 'null',
  );
}

/** Runs the suite against `subject`. */
export async function runConformance(
  subject: Subject,
  options: RunOptions = {},
): Promise<ConformanceReport> {
  const runs = options.runs ?? 100;
  const seed = options.seed ?? (Math.random() * 2 ** 31) | 0;
  const properties = selected(options.properties ?? ALL_PROPERTIES, options.filter);
  const started = performance.now();
  const cases = new Map<string, number>();
  const failures = new Map<string, Counterexample>();
  const covered = new Set<string>();
  let totalCases = 0;

  let done = 0;
  for (const property of properties) {
    for (const id of property.covers) covered.add(id);
    const ignored = new Set<string>();
    const best = new Map<string, number>();
    const numRuns = Math.max(1, Math.round(runs * (property.runsFactor ?? 1)));
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const counts = new Map<string, number>();
      let counting = true;
      let generated = 0;
      const ctx: CaseContext = {
        exercise(id) {
          if (counting) counts.set(id, (counts.get(id) ?? 0) + 1);
        },
        fail(id, message) {
          if (ignored.has(id)) throw new IgnoredViolation(id);
          throw new Violation(id, message);
        },
        expect(id, ok, message) {
          if (!ok) ctx.fail(id, message());
        },
      };
      const prop = fc.asyncProperty(property.arbitrary(subject), async (value) => {
        if (counting) generated++;
        try {
          await property.check(subject, value, ctx);
        } catch (error) {
          if (error instanceof IgnoredViolation) return;
          counting = false;
          throw error;
        }
      });
      const details = await fc.check(prop, {
        numRuns,
        seed,
        ...(options.path === undefined ? {} : { path: options.path }),
        endOnFailure: false,
        // a subject that never answers fails its case instead of hanging the run
        timeout: CASE_TIMEOUT_MS,
      });
      if (pass === 0) totalCases += generated;
      for (const [id, n] of counts) best.set(id, Math.max(best.get(id) ?? 0, n));
      if (!details.failed) break;
      const error = details.errorInstance;
      const id =
        error instanceof Violation && requirement(error.requirementId) !== undefined
          ? error.requirementId
          : property.primary;
      const value = Array.isArray(details.counterexample)
        ? details.counterexample[0]
        : details.counterexample;
      const path = details.counterexamplePath ?? '';
      if (!failures.has(id)) {
        failures.set(id, {
          property: property.name,
          message: error instanceof Error ? error.message : String(error),
          value: plain(value),
          seed: details.seed,
          path,
          replay: `--seed ${details.seed} --path ${path} --filter ${property.name}`,
        });
      }
      if (!(error instanceof Violation) || ignored.has(id)) break;
      ignored.add(id);
    }
    for (const [id, n] of best) cases.set(id, (cases.get(id) ?? 0) + n);
    done++;
    options.onProgress?.(property.name, done, properties.length);
  }

  const durationMs = performance.now() - started;
  const requirements: RequirementResult[] = CATALOGUE.filter((requirement) =>
    covered.has(requirement.id),
  ).map((requirement) => {
    const counterexample = failures.get(requirement.id);
    return {
      id: requirement.id,
      text: requirement.text,
      status: counterexample === undefined ? 'pass' : 'fail',
      cases: cases.get(requirement.id) ?? 0,
      ...(counterexample === undefined ? {} : { counterexample }),
    };
  });
  return {
    ok: requirements.every((requirement) => requirement.status === 'pass'),
    subject: subject.name,
    ...(options.subjectModule === undefined ? {} : { subjectModule: options.subjectModule }),
    requirements,
    cases: totalCases,
    casesPerSecond: durationMs > 0 ? Math.round((totalCases * 1000) / durationMs) : totalCases,
    durationMs: Math.round(durationMs),
    seed,
    runs,
  };
}
