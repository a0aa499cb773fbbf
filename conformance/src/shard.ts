/**
 * Splitting one run across machines (`--shard K/N`) and joining the parts again
 * (`merge-reports`). The work is split by property: each property runs whole, with the run's seed,
 * in exactly one shard, so it draws the same cases as in one long run. The split depends only on
 * the selected properties and N (never on the machine or the time): properties go, heaviest
 * first (`runsFactor`), to the shard with the least work so far, ties to the lower shard.
 * @module
 */
import { CATALOGUE } from './catalogue.js';
import { ALL_PROPERTIES } from './properties/index.js';
import type { PropertyDefinition } from './property.js';
import { type ConformanceReport, groupFailures, type RequirementResult } from './runner.js';

/** Splits `properties` into `count` parts (each in the order given), the same way every time. */
export function assignShards<P extends Pick<PropertyDefinition<unknown>, 'runsFactor'>>(
  properties: readonly P[],
  count: number,
): P[][] {
  const load = Array.from({ length: count }, () => 0);
  const owner = new Map<number, number>();
  const order = properties
    .map((property, i) => ({ weight: property.runsFactor ?? 1, i }))
    .sort((a, b) => b.weight - a.weight || a.i - b.i);
  for (const { weight, i } of order) {
    const lightest = load.indexOf(Math.min(...load));
    owner.set(i, lightest);
    load[lightest] = (load[lightest] ?? 0) + weight;
  }
  return load.map((_, shard) => properties.filter((_, i) => owner.get(i) === shard));
}

/**
 * The requirement ids a shard owns: those whose first covering property (in run order) is in it.
 * Only the owner aims extra cases at a requirement its part of the run left without any.
 */
export function ownedIds(
  properties: readonly PropertyDefinition<unknown>[],
  mine: readonly PropertyDefinition<unknown>[],
): Set<string> {
  const owned = new Set<string>();
  const seen = new Set<string>();
  for (const property of properties) {
    for (const id of property.covers) {
      if (seen.has(id)) continue;
      seen.add(id);
      if (mine.includes(property)) owned.add(id);
    }
  }
  return owned;
}

/** Why shard reports cannot be joined; `code` is stable. */
export class MergeReportsError extends Error {
  override readonly name = 'MergeReportsError';
  /**
   * `NOT_A_SHARD` (a report of a whole run), `MISMATCH` (another seed, runs, subject or filter,
   * or another N), `DUPLICATE_SHARD`, `MISSING_SHARD`.
   */
  readonly code: 'NOT_A_SHARD' | 'MISMATCH' | 'DUPLICATE_SHARD' | 'MISSING_SHARD';

  constructor(code: MergeReportsError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** Where a counterexample's property stands in run order (unknown properties last). */
const rank = (name: string | undefined): number => {
  const i = ALL_PROPERTIES.findIndex((property) => property.name === name);
  return i < 0 ? ALL_PROPERTIES.length : i;
};

function mergeRequirement(parts: readonly RequirementResult[]): RequirementResult {
  const first = parts[0] as RequirementResult;
  const failures = parts
    .filter((r) => r.counterexample !== undefined)
    .sort((a, b) => rank(a.counterexample?.property) - rank(b.counterexample?.property));
  const cases = parts.reduce((sum, r) => sum + r.cases, 0);
  const exercised = parts.some((r) => r.exercised);
  const inapplicable = !exercised && parts.every((r) => r.applicable === false);
  const counterexample = failures[0]?.counterexample;
  const chargedTo = parts.find((r) => r.chargedTo !== undefined)?.chargedTo;
  const failed = parts.some((r) => r.status === 'fail');
  return {
    id: first.id,
    text: first.text,
    status: failed ? 'fail' : 'pass',
    cases,
    exercised,
    ...(inapplicable
      ? {
          applicable: false as const,
          ...(first.inapplicableBecause === undefined
            ? {}
            : { inapplicableBecause: first.inapplicableBecause }),
        }
      : {}),
    ...(counterexample === undefined ? {} : { counterexample }),
    ...(failed || chargedTo === undefined ? {} : { chargedTo }),
  };
}

/** Checks that `reports` are every shard of one run, each once; returns them by shard index. */
function checkedShards(reports: readonly ConformanceReport[]): ConformanceReport[] {
  const first = reports[0];
  if (first === undefined) throw new MergeReportsError('MISSING_SHARD', 'no report to merge');
  const sameRun = (r: ConformanceReport) =>
    [r.seed, r.runs, r.subject, r.subjectModule, r.filter, r.shard?.count].join('\0');
  const byIndex = new Map<number, ConformanceReport>();
  for (const [n, report] of reports.entries()) {
    if (report.shard === undefined) {
      throw new MergeReportsError(
        'NOT_A_SHARD',
        `report ${n + 1} is of a whole run, not of a shard (--shard K/N)`,
      );
    }
    if (sameRun(report) !== sameRun(first)) {
      throw new MergeReportsError(
        'MISMATCH',
        `report ${n + 1} (shard ${report.shard.index}/${report.shard.count}, seed ${report.seed}) is not of the same run as report 1 (shard ${first.shard?.index}/${first.shard?.count}, seed ${first.seed}): seed, runs, subject, filter and N must match`,
      );
    }
    if (byIndex.has(report.shard.index)) {
      throw new MergeReportsError(
        'DUPLICATE_SHARD',
        `shard ${report.shard.index}/${report.shard.count} is given twice`,
      );
    }
    byIndex.set(report.shard.index, report);
  }
  const count = first.shard?.count ?? 0;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new MergeReportsError(
      'MISSING_SHARD',
      `shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`,
    );
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, report]) => report);
}

/**
 * Joins the reports of every shard of one run (`--shard 1/N` ... `N/N`, same seed, runs, subject
 * and filter) into the report of the whole run: a requirement fails when any shard failed it
 * (with the counterexample of the property that comes first in run order), is exercised when any
 * shard exercised it, and counts the cases of all. `durationMs` is the sum of the shards' (the
 * work done), and cases per second are counted over it.
 * @throws MergeReportsError when a report is not of a shard, not of the same run, a shard is given
 * twice or one is missing.
 */
export function mergeReports(reports: readonly ConformanceReport[]): ConformanceReport {
  const shards = checkedShards(reports);
  const first = shards[0] as ConformanceReport;
  const byId = new Map<string, RequirementResult[]>();
  for (const report of shards) {
    for (const r of report.requirements) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
  }
  const known = new Set(CATALOGUE.map((r) => r.id));
  const ids = [
    ...CATALOGUE.map((r) => r.id).filter((id) => byId.has(id)),
    ...[...byId.keys()].filter((id) => !known.has(id)),
  ];
  const requirements = ids.map((id) => mergeRequirement(byId.get(id) ?? []));
  const unexercised = requirements.filter((r) => !r.exercised && r.applicable !== false).length;
  const cases = shards.reduce((sum, r) => sum + r.cases, 0);
  const durationMs = shards.reduce((sum, r) => sum + r.durationMs, 0);
  return {
    ok: unexercised === 0 && requirements.every((r) => r.status === 'pass'),
    unexercised,
    subject: first.subject,
    ...(first.subjectModule === undefined ? {} : { subjectModule: first.subjectModule }),
    ...(first.filter === undefined ? {} : { filter: first.filter }),
    requirements,
    cases,
    casesPerSecond: durationMs > 0 ? Math.round((cases * 1000) / durationMs) : cases,
    durationMs,
    seed: first.seed,
    runs: first.runs,
    mergedShards: shards.length,
    causes: groupFailures(requirements),
  };
}
