import { describe, expect, it } from 'vitest';
import { SAMPLE_REPORT } from './__fixtures__/sample-report.js';
import { renderReport } from './report.js';
import type { ConformanceReport } from './runner.js';

const report = SAMPLE_REPORT;

describe('renderReport', () => {
  it('prints one line per requirement with its status and case count', () => {
    const lines = renderReport(report).split('\n');
    expect(lines.some((l) => /^pass\s+CDVHD\.S_OK\s+12 cases$/.test(l))).toBe(true);
    expect(lines.some((l) => /^FAIL\s+CDVHD\.E_DISK_FULL\s+3 cases$/.test(l))).toBe(true);
  });
  it('prints each failure with its counterexample in words and the command that replays it', () => {
    const text = renderReport(report);
    expect(text).toContain('expected E_DISK_FULL, got S_OK');
    expect(text).toContain('C: NTFS (free one cluster short of 8 MiB)');
    expect(text).toContain('file:   C:\\p.vhd  dynamic VHD of 3 MiB');
    expect(text).toContain(
      'call:   CreateDifferencingVirtualHardDisk("C:\\\\c.vhd", "C:\\\\p.vhd", task)',
    );
    expect(text).toContain(
      'replay: pnpm conformance --subject ./demo.mjs --seed 7 --path 3:1 --filter model.differencing',
    );
  });
  it('ends with the totals and cases per second', () => {
    expect(renderReport(report).trim().split('\n').at(-1)).toBe(
      '1/2 requirements pass, 1 fail; 40 cases in 2.0 s (20 cases/s)',
    );
  });
});

describe('renderReport on a requirement no case exercised', () => {
  const unexercised: ConformanceReport = {
    ...report,
    unexercised: 1,
    requirements: [
      ...report.requirements,
      { id: 'GHD.type', text: 'type', status: 'pass', cases: 0, exercised: false },
    ],
  };
  it('prints it as n/a and does not count it as passing', () => {
    const text = renderReport(unexercised);
    expect(text).toMatch(/^n\/a\s+GHD\.type\s+0 cases \(not exercised: not shown to hold\)$/m);
    expect(text.trim().split('\n').at(-1)).toBe(
      '1/3 requirements pass, 1 fail, 1 not exercised; 40 cases in 2.0 s (20 cases/s)',
    );
  });
});

describe('renderReport by cause', () => {
  const failure = SAMPLE_REPORT.requirements[1]?.counterexample;
  if (failure === undefined) throw new Error('the sample has a failure');
  const traced: ConformanceReport = {
    ...SAMPLE_REPORT,
    requirements: [
      {
        id: 'CDVHD.S_OK',
        text: 'success',
        status: 'pass',
        cases: 12,
        exercised: true,
        chargedTo: 'CDVHD.remark.relative-image',
      },
      {
        id: 'CDVHD.E_DISK_FULL',
        text: 'Less than 8 MB free gives E_DISK_FULL.',
        status: 'fail',
        cases: 3,
        exercised: true,
        counterexample: { ...failure, value: { a: 'a much longer minimal input than the other' } },
      },
      {
        id: 'CDVHD.remark.relative-image',
        text: 'relative image',
        status: 'fail',
        cases: 2,
        exercised: true,
        counterexample: {
          ...failure,
          value: { a: 1 },
          suspected: 'a relative imagePath is the same call',
        },
      },
    ],
  };
  it('prints the groups smallest input first, with the suspected rule and the ids charged to it', () => {
    const text = renderReport(traced);
    expect(text).toContain('2 failing requirements in 2 groups by cause');
    const first = text.indexOf('1. FAIL CDVHD.remark.relative-image');
    expect(first).toBeGreaterThan(0);
    expect(text.indexOf('2. FAIL CDVHD.E_DISK_FULL')).toBeGreaterThan(first);
    expect(text).toContain('suspected rule: a relative imagePath is the same call');
    expect(text).toContain('also failed through it (1): CDVHD.S_OK');
    expect(text).toMatch(
      /^n\/a\s+CDVHD\.S_OK\s+12 cases \(its failures are charged to their cause, CDVHD\.remark\.relative-image/m,
    );
    expect(text.trim().split('\n').at(-1)).toMatch(
      /^0\/3 requirements pass, 2 fail, 1 charged to a cause;/,
    );
  });
});
