import { describe, expect, it } from 'vitest';
import { SAMPLE_REPORT } from './__fixtures__/sample-report.js';
import { ALL_PROPERTIES } from './properties/index.js';
import { type ConformanceReport, runConformance } from './runner.js';
import { assignShards, MergeReportsError, mergeReports } from './shard.js';
import { emulatedSubject } from './subjects/emulated.js';

const statuses = (report: ConformanceReport) =>
  report.requirements.map((r) => [
    r.id,
    r.status === 'fail' ? 'fail' : r.exercised ? 'pass' : r.applicable === false ? 'n/a*' : 'n/a',
  ]);

describe('assignShards', () => {
  it('puts every property in exactly one shard, in run order, the same way every time', () => {
    for (const count of [1, 2, 3, 7, ALL_PROPERTIES.length + 2]) {
      const parts = assignShards(ALL_PROPERTIES, count);
      expect(parts).toHaveLength(count);
      const names = parts.flat().map((p) => p.name);
      expect(names.sort()).toEqual(ALL_PROPERTIES.map((p) => p.name).sort());
      for (const part of parts) {
        const order = part.map((p) => ALL_PROPERTIES.indexOf(p));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
      expect(assignShards(ALL_PROPERTIES, count)).toEqual(parts);
    }
  });
  it('balances the work: no shard holds more than the heaviest property above an even share', () => {
    const weight = (ps: readonly { runsFactor?: number }[]) =>
      ps.reduce((sum, p) => sum + (p.runsFactor ?? 1), 0);
    const heaviest = Math.max(...ALL_PROPERTIES.map((p) => p.runsFactor ?? 1));
    const parts = assignShards(ALL_PROPERTIES, 3);
    for (const part of parts) {
      expect(weight(part)).toBeLessThanOrEqual(weight(ALL_PROPERTIES) / 3 + heaviest);
    }
  });
});

describe('mergeReports', () => {
  it('joins the reports of 3 shards into the statuses, cases and verdict of one run with the same seed', async () => {
    const options = { runs: 3, seed: 20261129 };
    const whole = await runConformance(emulatedSubject, options);
    const shards: ConformanceReport[] = [];
    for (const index of [3, 1, 2]) {
      shards.push(
        await runConformance(emulatedSubject, { ...options, shard: { index, count: 3 } }),
      );
    }
    expect(shards.map((s) => s.shard)).toEqual([
      { index: 3, count: 3 },
      { index: 1, count: 3 },
      { index: 2, count: 3 },
    ]);
    // through JSON, as the shards' --json files carry them
    const merged = mergeReports(shards.map((s) => JSON.parse(JSON.stringify(s))));
    expect(statuses(merged)).toEqual(statuses(whole));
    expect(merged.ok).toBe(whole.ok);
    expect(merged.unexercised).toBe(whole.unexercised);
    expect(merged.mergedShards).toBe(3);
    expect(merged.cases).toBe(shards.reduce((sum, s) => sum + s.cases, 0));
  });

  const shard = (index: number, count: number, extra: Partial<ConformanceReport> = {}) => ({
    ...SAMPLE_REPORT,
    shard: { index, count },
    ...extra,
  });
  const refusal = (reports: ConformanceReport[]): unknown[] | string => {
    try {
      mergeReports(reports);
    } catch (error) {
      return error instanceof MergeReportsError ? [error.code, error.message] : [error];
    }
    return 'merged';
  };

  it('refuses a missing shard, a shard given twice, a whole run and shards of another run', () => {
    expect(refusal([shard(1, 3), shard(3, 3)])).toEqual(['MISSING_SHARD', 'shard 2/3 missing']);
    expect(refusal([shard(1, 2), shard(1, 2), shard(2, 2)])).toEqual([
      'DUPLICATE_SHARD',
      'shard 1/2 is given twice',
    ]);
    expect(refusal([SAMPLE_REPORT])[0]).toBe('NOT_A_SHARD');
    expect(refusal([shard(1, 2), shard(2, 2, { seed: 8 })])[0]).toBe('MISMATCH');
    expect(refusal([shard(1, 2), shard(2, 3)])[0]).toBe('MISMATCH');
    expect(refusal([shard(1, 2), shard(2, 2)])).toBe('merged');
  });

  it('fails a requirement any shard failed, keeps the counterexample, and sums the cases', () => {
    const passing = {
      ...SAMPLE_REPORT,
      requirements: SAMPLE_REPORT.requirements.map((r) => {
        const { counterexample: _, ...rest } = r;
        return { ...rest, status: 'pass' as const };
      }),
    };
    const merged = mergeReports([shard(1, 2), { ...passing, shard: { index: 2, count: 2 } }]);
    expect(merged.requirements.map((r) => [r.id, r.status, r.cases])).toEqual([
      ['CDVHD.S_OK', 'pass', 24],
      ['CDVHD.E_DISK_FULL', 'fail', 6],
    ]);
    expect(merged.requirements[1]?.counterexample?.replay).toBe(
      SAMPLE_REPORT.requirements[1]?.counterexample?.replay,
    );
    expect(merged.ok).toBe(false);
  });

  it('keeps a requirement no shard could serve not applicable, with its reason', () => {
    const unserved = {
      id: 'STATE.power-cut',
      text: 'power cuts',
      status: 'pass' as const,
      cases: 0,
      exercised: false,
      applicable: false as const,
      inapplicableBecause: "this subject's host offers no power cuts",
    };
    const merged = mergeReports(
      [1, 2].map((index) => shard(index, 2, { requirements: [unserved] })),
    );
    expect(merged.requirements).toEqual([unserved]);
  });
});
