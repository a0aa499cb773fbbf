/**
 * `runConformance`: runs every property against a subject and folds the outcome into one line
 * per requirement. A property that fails is run again with the failing requirement set aside, so
 * one bug does not hide another; each failure keeps its shrunk counterexample and the seed and
 * path that replay it.
 * @module
 */
import fc from 'fast-check';
import { CAUSE_PROBES, probedSubject } from './_internal/cause-probes.js';
import { Hang, HangWatch, Inconclusive, seconds } from './_internal/hangs.js';
import { CATALOGUE, requirement } from './catalogue.js';
import type { Shard } from './options.js';
import { FULL_VOLUME_IDS } from './properties/disk-method-model.js';
import { ALL_PROPERTIES } from './properties/index.js';
import {
  type CaseContext,
  IgnoredViolation,
  type PropertyDefinition,
  Violation,
} from './property.js';
import { assignShards, ownedIds } from './shard.js';
import { isSubject, type Subject } from './subject.js';

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
  /**
   * Replays with the input aimed at this requirement (`aimAt`), as a counterexample found by a
   * targeted case prints it; with `path`.
   */
  readonly aim?: string;
  /**
   * Runs only this part of the selected properties (`assignShards`); the report carries it, for
   * `mergeReports`. Not with `path` or `aim`.
   */
  readonly shard?: Shard;
  /** The properties to run (default: all of the suite). */
  readonly properties?: readonly PropertyDefinition<unknown>[];
  /** Called after each property. */
  readonly onProgress?: (property: string, done: number, total: number) => void;
  /** The module the subject came from, for replay commands. */
  readonly subjectModule?: string;
  /**
   * How long a call that does real work may take, in ms (default 30,000): starting a creation,
   * waiting for its task, opening a chain. A case as a whole may take twice as long.
   */
  readonly caseTimeoutMs?: number;
  /**
   * How long a call the contract says answers at once may take, in ms (default 2,000): a refusal,
   * WaitForCompletion with a bad or bounded timeout, Cancel on a complete task, get_Parent.
   */
  readonly quickTimeoutMs?: number;
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
  /**
   * For a failure traced to the rule of this requirement (a case that fails as given and passes
   * once written in the form the rule says is the same call): the rule, in one sentence.
   */
  readonly suspected?: string;
}

/** One line of the report. */
export interface RequirementResult {
  readonly id: string;
  readonly text: string;
  readonly status: 'pass' | 'fail';
  /** Cases that exercised the requirement. */
  readonly cases: number;
  /**
   * Whether at least one case exercised it. A requirement with no case is not shown to hold:
   * its status stays `'pass'` (nothing failed) but the report's `ok` is false and the text
   * report prints it as `n/a`.
   */
  readonly exercised: boolean;
  /**
   * `false` when the subject declared it cannot set up what the requirement needs (a host whose
   * free space does not follow the files on it, `exactFreeSpace: false`) and no case reached it:
   * not shown to hold, but not held against the report's `ok` either. Absent otherwise.
   */
  readonly applicable?: false;
  /**
   * With `applicable: false`: what the subject's host lacks, as the report prints it ("this
   * subject's host offers no power cuts"). Reports written before it existed lack it: see
   * {@link notApplicableReason}.
   */
  readonly inapplicableBecause?: string;
  readonly counterexample?: Counterexample;
  /**
   * The requirement its failures were charged to: every case that failed it passes once written
   * in the form that requirement's rule says is the same call, so the cause is that rule. Not
   * shown to hold (its status stays `'pass'`: nothing is charged to it).
   */
  readonly chargedTo?: string;
}

/** Failures that share one cause: charged to one rule, or shrunk to the same minimal input. */
export interface FailureGroup {
  /** The requirement the group is charged to (its counterexample is the group's). */
  readonly cause: string;
  /** The suspected rule, in one sentence. */
  readonly rule: string;
  /** Every requirement of the group: the cause first, then those charged to it. */
  readonly ids: readonly string[];
  /** Length of the minimal input as JSON: groups are listed smallest first. */
  readonly size: number;
}

/** Why a free-space requirement is not applicable to a subject with `exactFreeSpace: false`. */
const FREE_SPACE_REASON = "this subject's host cannot bring free space to an exact edge";

/** Why a requirement with `applicable: false` is not applicable. */
export function notApplicableReason(r: RequirementResult): string {
  return r.inapplicableBecause ?? FREE_SPACE_REASON;
}

/**
 * Requirements that need free space brought to an exact edge, or counted exactly: a subject
 * with `exactFreeSpace: false` (real folders) may leave them unexercised.
 */
export const EXACT_FREE_SPACE_IDS: readonly string[] = [
  'CDVHD.E_DISK_FULL',
  'CDYN.E_DISK_FULL',
  'CFIX.E_DISK_FULL',
  'CDVHD.order.file-too-large-before-disk-full',
  'CDYN.order.file-too-large-before-disk-full',
  'CFIX.order.file-too-large-before-disk-full',
  'STATE.free-space-exact',
  'FLOPPY.E_DISK_FULL',
  'HDRV.E_DISK_FULL',
  ...FULL_VOLUME_IDS,
];

/** The outcome of a run. */
export interface ConformanceReport {
  /** Every requirement passed and was exercised by at least one case (a replay: none failed). */
  readonly ok: boolean;
  /** Requirements that no case exercised (0 in a full default run; see {@link RequirementResult.exercised}). */
  readonly unexercised: number;
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
  /** The `filter` of the run, when it had one. */
  readonly filter?: string;
  /** The part of the work this report covers, for a run split with `shard`. */
  readonly shard?: Shard;
  /** For a report joined by `mergeReports`: how many shard reports it joins. */
  readonly mergedShards?: number;
  /** The failures grouped by cause, smallest minimal input first ({@link groupFailures}). */
  readonly causes?: readonly FailureGroup[];
}

const MAX_PASSES = 12;

/**
 * Cases per attempt aimed at a requirement a run left without a case (twice as many when the
 * property has no aim for it and draws its own cases with another seed).
 */
const AIMED_RUNS = 10;

/** Attempts (each with its own seed) at a requirement a run left without a case. */
const AIMED_ATTEMPTS = 4;

/** How long a call that does real work may take by default (a case: twice that). */
export const DEFAULT_CASE_TIMEOUT_MS = 30_000;

/** How long a call the contract says answers at once may take by default. */
export const DEFAULT_QUICK_TIMEOUT_MS = 2_000;

/** How one property is run: fast-check's settings, and the requirement a replay aims at. */
interface RunSettings {
  readonly numRuns: number;
  readonly seed: number;
  readonly path?: string;
  readonly aim?: string;
}

/** What a run has gathered so far: the state every step of {@link runConformance} adds to. */
class Tally {
  /** Cases per requirement (the most any pass of a property counted, summed over runs). */
  readonly cases = new Map<string, number>();
  /** The first counterexample of each failing requirement. */
  readonly failures = new Map<string, Counterexample>();
  /** Every requirement a selected property covers. */
  readonly covered = new Set<string>();
  /** Cases generated (first passes only, shrinking excluded). */
  generated = 0;
  /** The calls that hung, and the budgets. */
  readonly watch: HangWatch;
  /** The shrunk input (as drawn) and property of each failure, to trace its cause. */
  readonly raw = new Map<string, { property: PropertyDefinition<unknown>; value: unknown }>();
  /** Requirements whose failures were charged to the rule that caused them. */
  readonly chargedTo = new Map<string, string>();
  /** Requirements a case found the subject's host cannot serve, with the reason. */
  readonly inapplicable = new Map<string, string>();
  /** Properties a case of which hung outside any timed call: not run again. */
  readonly abandoned = new Set<PropertyDefinition<unknown>>();
  private readonly ignoredBy = new Map<PropertyDefinition<unknown>, Set<string>>();

  constructor(watch: HangWatch) {
    this.watch = watch;
  }

  /** The requirements set aside for `property` (failed already, so not charged again). */
  ignoredOf(property: PropertyDefinition<unknown>): Set<string> {
    const set = this.ignoredBy.get(property) ?? new Set<string>();
    this.ignoredBy.set(property, set);
    return set;
  }

  /** Adds a property's case counts. */
  add(counts: ReadonlyMap<string, number>): void {
    for (const [id, n] of counts) this.cases.set(id, (this.cases.get(id) ?? 0) + n);
  }
}

/**
 * The properties a filter selects: those whose name, or one of whose requirement ids, starts with
 * `filter` (all of them for no filter or an empty one).
 */
export function selectProperties(
  filter: string | undefined,
  properties: readonly PropertyDefinition<unknown>[] = ALL_PROPERTIES,
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

/** A budget option: a positive number of milliseconds, or the default. */
function budget(
  options: RunOptions,
  name: 'caseTimeoutMs' | 'quickTimeoutMs',
  fallback: number,
): number {
  const value = options[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `runConformance: ${name} must be a positive number of milliseconds, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * The subject, runs, seed and budgets of a run, refused before anything runs when they make no
 * sense.
 */
function checkedArguments(
  subject: Subject,
  options: RunOptions,
): { runs: number; seed: number; workMs: number; quickMs: number } {
  if (!isSubject(subject)) {
    throw new TypeError(
      'runConformance: the subject is not a subject ({ name, createHost, createServer })',
    );
  }
  const runs = options.runs ?? 100;
  if (!Number.isSafeInteger(runs) || runs < 1) {
    throw new RangeError(
      `runConformance: runs must be a whole number of at least 1, got ${String(runs)}`,
    );
  }
  const shard = options.shard;
  if (
    shard !== undefined &&
    (!Number.isSafeInteger(shard.count) ||
      !Number.isSafeInteger(shard.index) ||
      shard.index < 1 ||
      shard.index > shard.count)
  ) {
    throw new RangeError(
      `runConformance: shard must be { index, count } with whole numbers 1 <= index <= count, got ${JSON.stringify(shard)}`,
    );
  }
  if (shard !== undefined && (options.path !== undefined || options.aim !== undefined)) {
    throw new RangeError('runConformance: a replay (path, aim) runs whole, not as a shard');
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    throw new RangeError(
      `runConformance: seed must be a whole number, got ${String(options.seed)}`,
    );
  }
  return {
    runs,
    seed: options.seed ?? (Math.random() * 2 ** 31) | 0,
    workMs: budget(options, 'caseTimeoutMs', DEFAULT_CASE_TIMEOUT_MS),
    quickMs: budget(options, 'quickTimeoutMs', DEFAULT_QUICK_TIMEOUT_MS),
  };
}

/**
 * The context one case reports to: `exercise` counts into `counts`; `fail` throws a
 * {@link Violation}, or an {@link IgnoredViolation} for a requirement set aside; `answer` awaits
 * a call into the subject through the run's {@link HangWatch}.
 */
function caseContext(
  counts: Map<string, number>,
  ignored: ReadonlySet<string>,
  watch: HangWatch,
  inapplicable: Map<string, string> = new Map(),
): CaseContext {
  const ctx: CaseContext = {
    exercise(id) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
    },
    inapplicable(id, reason) {
      if (!inapplicable.has(id)) inapplicable.set(id, reason);
    },
    fail(id, message) {
      if (ignored.has(id)) throw new IgnoredViolation(id);
      throw new Violation(id, message);
    },
    expect(id, ok, message) {
      if (!ok) ctx.fail(id, message());
    },
    answer(call, run) {
      return watch.answer(call, run, ignored);
    },
  };
  return ctx;
}

/** The start of the message of a case that hung as a whole. */
const CASE_HANG = 'the case did not answer within';

/**
 * Runs one case, failing it as a hang of the property's primary requirement when it takes longer
 * than `ms` as a whole (a hang outside any call the property times: creating the host or the
 * server, a host method, releasing the host).
 */
async function withinCase(run: Promise<void>, ms: number, primary: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Hang(
            primary,
            `${CASE_HANG} ${seconds(ms)} s, outside any call the suite times (creating the host or the server, a host method, releasing the host); the property is not run again`,
          ),
        ),
      ms,
    );
  });
  try {
    await Promise.race([run, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a failure is a case that hung as a whole (outside any timed call). */
function isCaseHang(error: unknown): boolean {
  return error instanceof Hang && error.message.includes(CASE_HANG);
}

/** One fast-check run of a property (one pass): its details, case counts and cases generated. */
async function checkOnce(
  subject: Subject,
  property: PropertyDefinition<unknown>,
  arbitrary: fc.Arbitrary<unknown>,
  settings: RunSettings,
  ignored: ReadonlySet<string>,
  watch: HangWatch,
  inapplicable: Map<string, string>,
): Promise<{ details: fc.RunDetails<[unknown]>; counts: Map<string, number>; generated: number }> {
  const counts = new Map<string, number>();
  // counting stops at the first failure: shrinking runs are not cases of the run
  let counting = true;
  // after a hang every further run passes at once: the counterexample stays as found, unshrunk
  let hung = false;
  let generated = 0;
  const caseMs = 2 * watch.budgets.workMs;
  const prop = fc.asyncProperty(arbitrary, async (value) => {
    if (hung) return;
    if (counting) generated++;
    const caseCounts = new Map<string, number>();
    const keep = () => {
      if (!counting) return;
      for (const [id, n] of caseCounts) counts.set(id, (counts.get(id) ?? 0) + n);
    };
    try {
      const ctx = caseContext(caseCounts, ignored, watch, inapplicable);
      await withinCase(property.check(subject, value, ctx), caseMs, property.primary);
      keep();
    } catch (error) {
      // a case that needs a call which hung before shows nothing: its counts are dropped
      if (error instanceof Inconclusive) return;
      keep();
      if (error instanceof IgnoredViolation) return;
      counting = false;
      if (error instanceof Hang) hung = true;
      throw error;
    }
  });
  const details = await fc.check(prop, {
    numRuns: settings.numRuns,
    seed: settings.seed,
    ...(settings.path === undefined ? {} : { path: settings.path }),
    endOnFailure: false,
  });
  return { details, counts, generated };
}

/**
 * Records the failure a pass found (the first counterexample of its requirement is kept) and
 * returns the requirement it is charged to.
 */
function recordFailure(
  tally: Tally,
  property: PropertyDefinition<unknown>,
  details: fc.RunDetails<[unknown]>,
  aim: string | undefined,
): string {
  const error = details.errorInstance;
  const id =
    error instanceof Violation && requirement(error.requirementId) !== undefined
      ? error.requirementId
      : property.primary;
  if (tally.failures.has(id)) return id;
  const value = Array.isArray(details.counterexample)
    ? details.counterexample[0]
    : details.counterexample;
  const path = details.counterexamplePath ?? '';
  tally.raw.set(id, { property, value });
  tally.failures.set(id, {
    property: property.name,
    message: error instanceof Error ? error.message : String(error),
    value: plain(value),
    seed: details.seed,
    path,
    replay: `--seed ${details.seed} --path ${path} --filter ${property.name}${aim === undefined ? '' : ` --aim ${aim}`}`,
  });
  return id;
}

/**
 * Runs `arbitrary` through `property` until it passes, setting each failing requirement aside
 * and running again (so one bug does not hide another). Adds the cases of the first pass and,
 * per requirement, the most cases any pass counted.
 */
async function runPasses(
  tally: Tally,
  subject: Subject,
  property: PropertyDefinition<unknown>,
  arbitrary: fc.Arbitrary<unknown>,
  settings: RunSettings,
): Promise<void> {
  const ignored = tally.ignoredOf(property);
  const best = new Map<string, number>();
  for (let pass = 0; pass < MAX_PASSES && !tally.abandoned.has(property); pass++) {
    const { details, counts, generated } = await checkOnce(
      subject,
      property,
      arbitrary,
      settings,
      ignored,
      tally.watch,
      tally.inapplicable,
    );
    if (pass === 0) tally.generated += generated;
    for (const [id, n] of counts) best.set(id, Math.max(best.get(id) ?? 0, n));
    if (!details.failed) break;
    const id = recordFailure(tally, property, details, settings.aim);
    if (isCaseHang(details.errorInstance)) tally.abandoned.add(property);
    if (!(details.errorInstance instanceof Violation) || ignored.has(id)) break;
    ignored.add(id);
  }
  tally.add(best);
}

/** Runs each selected property (or replays one case of it), with `runs` scaled per property. */
async function runEachProperty(
  tally: Tally,
  subject: Subject,
  properties: readonly PropertyDefinition<unknown>[],
  runs: number,
  seed: number,
  options: RunOptions,
): Promise<void> {
  let done = 0;
  for (const property of properties) {
    for (const id of property.covers) tally.covered.add(id);
    const numRuns = Math.max(1, Math.round(runs * (property.runsFactor ?? 1)));
    const aimed = options.aim === undefined ? undefined : property.aimAt?.(options.aim, subject);
    await runPasses(tally, subject, property, aimed ?? property.arbitrary(subject), {
      numRuns,
      seed,
      ...(options.path === undefined ? {} : { path: options.path }),
      ...(aimed === undefined || options.aim === undefined ? {} : { aim: options.aim }),
    });
    done++;
    options.onProgress?.(property.name, done, properties.length);
  }
}

/**
 * Every requirement gets at least one case: one that the run left without any is aimed at
 * (`aimAt` of a property covering it, or more of that property's own cases with other seeds).
 */
async function aimAtUnexercised(
  tally: Tally,
  subject: Subject,
  properties: readonly PropertyDefinition<unknown>[],
  seed: number,
  owned: ReadonlySet<string> | undefined,
): Promise<void> {
  for (const id of tally.covered) {
    if (owned !== undefined && !owned.has(id)) continue;
    // more cases cannot reach what the subject's host cannot serve
    if (tally.inapplicable.has(id)) continue;
    const owners = properties.filter((property) => property.covers.includes(id));
    const live = owners.filter((property) => !tally.abandoned.has(property));
    const aiming = live.filter((property) => property.aimAt?.(id, subject) !== undefined);
    const candidates = aiming.length > 0 ? aiming : live;
    for (let attempt = 0; attempt < AIMED_ATTEMPTS && candidates.length > 0; attempt++) {
      if ((tally.cases.get(id) ?? 0) > 0 || tally.failures.has(id)) break;
      const property = candidates[attempt % candidates.length] as PropertyDefinition<unknown>;
      const target = property.aimAt?.(id, subject);
      await runPasses(tally, subject, property, target ?? property.arbitrary(subject), {
        numRuns: target === undefined ? 2 * AIMED_RUNS : AIMED_RUNS,
        seed: seed + 1 + attempt,
        ...(target === undefined ? {} : { aim: id }),
      });
    }
  }
}

/** Whether `value` passes `property` against `subject` (any failure, hang or drop: no). */
async function passes(
  subject: Subject,
  property: PropertyDefinition<unknown>,
  value: unknown,
  watch: HangWatch,
): Promise<boolean> {
  try {
    const ctx = caseContext(new Map(), new Set(), watch);
    await withinCase(
      property.check(subject, value, ctx),
      2 * watch.budgets.workMs,
      property.primary,
    );
    return true;
  } catch {
    return false;
  }
}

/** Size of a counterexample's input, to order groups and pick the smallest. */
const inputSize = (ce: Counterexample): number => JSON.stringify(ce.value ?? null).length;

/**
 * Traces each failure to its cause: a failing case that passes once a cause probe writes it in
 * the form its rule says is the same call failed because of that rule, and is charged to the
 * rule's requirement (which then fails with the smallest such counterexample).
 */
async function traceCauses(tally: Tally, subject: Subject): Promise<void> {
  const probeIds = new Set(CAUSE_PROBES.map((probe) => probe.id));
  const traced = new Map<string, string[]>();
  for (const id of tally.failures.keys()) {
    const raw = tally.raw.get(id);
    if (raw === undefined || probeIds.has(id) || tally.abandoned.has(raw.property)) continue;
    for (const probe of CAUSE_PROBES) {
      const probed = probedSubject(subject, probe);
      if (!(await passes(probed.subject, raw.property, raw.value, tally.watch))) continue;
      if (!probed.rewritten()) continue;
      traced.set(probe.id, [...(traced.get(probe.id) ?? []), id]);
      break;
    }
  }
  for (const probe of CAUSE_PROBES) {
    const members = traced.get(probe.id);
    if (members === undefined) continue;
    const smallest = members
      .map((id) => tally.failures.get(id) as Counterexample)
      .reduce((a, b) => (inputSize(b) < inputSize(a) ? b : a));
    const own = tally.failures.get(probe.id);
    tally.failures.set(probe.id, { ...(own ?? smallest), suspected: probe.rule });
    for (const id of members) {
      tally.failures.delete(id);
      tally.chargedTo.set(id, probe.id);
    }
  }
}

/**
 * The failures of `requirements` grouped by cause: each failing requirement with those charged
 * to it (`chargedTo`), and failures whose minimal inputs are the same (same property, same
 * shrunk value) as one group; the group with the smallest minimal input first.
 */
export function groupFailures(requirements: readonly RequirementResult[]): FailureGroup[] {
  const groups = new Map<string, { cause: RequirementResult; ids: string[] }>();
  for (const r of requirements) {
    const ce = r.counterexample;
    if (r.status !== 'fail' || ce === undefined) continue;
    const key = `${ce.property}\0${JSON.stringify(ce.value ?? null)}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { cause: r, ids: [r.id] });
    else group.ids.push(r.id);
  }
  const byCause = new Map([...groups.values()].flatMap((g) => g.ids.map((id) => [id, g])));
  for (const r of requirements) {
    if (r.chargedTo !== undefined) byCause.get(r.chargedTo)?.ids.push(r.id);
  }
  return [...groups.values()]
    .map(({ cause, ids }) => {
      const ce = cause.counterexample as Counterexample;
      return {
        cause: cause.id,
        rule: ce.suspected ?? cause.text,
        ids,
        size: inputSize(ce),
      };
    })
    .sort((a, b) => a.size - b.size);
}

/** One line of the report per covered requirement, in catalogue order. */
function requirementResults(tally: Tally, subject: Subject): RequirementResult[] {
  const listed = (id: string) => tally.covered.has(id) || tally.failures.has(id);
  return CATALOGUE.filter((requirement) => listed(requirement.id)).map((requirement) => {
    const counterexample = tally.failures.get(requirement.id);
    const n = tally.cases.get(requirement.id) ?? 0;
    const exercised = n > 0 || counterexample !== undefined;
    const freeSpace =
      subject.exactFreeSpace === false && EXACT_FREE_SPACE_IDS.includes(requirement.id);
    const because = freeSpace ? FREE_SPACE_REASON : tally.inapplicable.get(requirement.id);
    const inapplicable = !exercised && because !== undefined;
    return {
      id: requirement.id,
      text: requirement.text,
      status: counterexample === undefined ? 'pass' : 'fail',
      cases: n,
      exercised,
      ...(inapplicable ? { applicable: false as const, inapplicableBecause: because } : {}),
      ...(counterexample === undefined ? {} : { counterexample }),
      ...(tally.chargedTo.has(requirement.id)
        ? { chargedTo: tally.chargedTo.get(requirement.id) as string }
        : {}),
    };
  });
}

/**
 * Runs the suite against `subject`.
 * @throws TypeError when `subject` lacks `createHost` or `createServer`; RangeError when `runs`
 * is not a whole number of at least 1, `seed` not a whole number, a budget not a positive
 * number, or `filter` selects nothing.
 */
export async function runConformance(
  subject: Subject,
  options: RunOptions = {},
): Promise<ConformanceReport> {
  const { runs, seed, workMs, quickMs } = checkedArguments(subject, options);
  const selected = selectProperties(options.filter, options.properties);
  if (selected.length === 0) {
    throw new RangeError(
      `runConformance: filter '${options.filter}' matches no property and no requirement id`,
    );
  }
  const { shard } = options;
  const properties =
    shard === undefined ? selected : (assignShards(selected, shard.count)[shard.index - 1] ?? []);
  const owned = shard === undefined ? undefined : ownedIds(selected, properties);
  const started = performance.now();
  const tally = new Tally(new HangWatch({ workMs, quickMs }));
  await runEachProperty(tally, subject, properties, runs, seed, options);
  // a replay (`path`, `aim`) runs only what it replays
  if (options.path === undefined && options.aim === undefined) {
    await aimAtUnexercised(tally, subject, properties, seed, owned);
  }
  await traceCauses(tally, subject);
  const durationMs = performance.now() - started;
  const requirements = requirementResults(tally, subject);
  const unexercised = requirements.filter(
    (requirement) => !requirement.exercised && requirement.applicable !== false,
  ).length;
  return {
    // a replay runs one case: only its failures count
    ok:
      (options.path !== undefined || unexercised === 0) &&
      requirements.every((requirement) => requirement.status === 'pass'),
    unexercised,
    subject: subject.name,
    ...(options.subjectModule === undefined ? {} : { subjectModule: options.subjectModule }),
    requirements,
    cases: tally.generated,
    casesPerSecond:
      durationMs > 0 ? Math.round((tally.generated * 1000) / durationMs) : tally.generated,
    durationMs: Math.round(durationMs),
    seed,
    runs,
    ...(options.filter === undefined || options.filter === '' ? {} : { filter: options.filter }),
    ...(shard === undefined ? {} : { shard: { index: shard.index, count: shard.count } }),
    causes: groupFailures(requirements),
  };
}
