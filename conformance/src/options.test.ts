import { describe, expect, it } from 'vitest';
import {
  CONFORMANCE_OPTIONS,
  ConformanceUsageError,
  OPTIONS_HELP,
  parseConformanceArgs,
} from './options.js';

describe('parseConformanceArgs', () => {
  it('reads every option and defaults runs to 100', () => {
    expect(parseConformanceArgs([])).toEqual({ runs: 100, help: false });
    expect(
      parseConformanceArgs([
        '--runs',
        '5',
        '--seed=-3',
        '--path',
        '1:2',
        '--filter',
        'codec',
        '--aim',
        'CODEC.timestamp',
        '--json',
        'r.json',
        '--subject',
        'x.mjs',
        '--case-timeout',
        '4.5',
        '--quick-timeout=0.25',
      ]),
    ).toEqual({
      runs: 5,
      seed: -3,
      path: '1:2',
      filter: 'codec',
      aim: 'CODEC.timestamp',
      json: 'r.json',
      subject: 'x.mjs',
      caseTimeoutMs: 4500,
      quickTimeoutMs: 250,
      help: false,
    });
    expect(parseConformanceArgs(['-h']).help).toBe(true);
  });

  it('refuses unknown options, missing values, positionals, bad numbers and --path alone, naming the option', () => {
    const refused = (argv: string[]) => {
      try {
        parseConformanceArgs(argv);
      } catch (error) {
        expect(error).toBeInstanceOf(ConformanceUsageError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${argv.join(' ')}`);
    };
    expect(refused(['--bogus'])).toMatch(/unknown option '--bogus'/i);
    expect(refused(['--seed'])).toMatch(/--seed/);
    expect(refused(['extra'])).toMatch(/unexpected argument 'extra'/i);
    expect(refused(['--runs', '0'])).toMatch(/--runs must be a whole number >= 1/);
    expect(() => parseConformanceArgs(['--runs', 'many'])).toThrow(
      expect.objectContaining({ code: 'INVALID_NUMBER' }),
    );
    expect(() => parseConformanceArgs(['--bogus'])).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
    expect(refused(['--runs', '2.5'])).toMatch(/--runs/);
    expect(refused(['--seed', 'x'])).toMatch(/--seed/);
    expect(refused(['--case-timeout', '0'])).toMatch(/--case-timeout must be a number of seconds/);
    expect(refused(['--quick-timeout', 'soon'])).toMatch(/--quick-timeout/);
    expect(refused(['--path', '1:2'])).toMatch(/--filter/);
  });
});

describe('parseConformanceArgs for a split run', () => {
  it('reads --shard K/N and refuses K outside 1..N, a malformed value, and a shard of a replay', () => {
    expect(parseConformanceArgs(['--shard', '2/3']).shard).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1', 'a/b', '1/0', '-1/2']) {
      expect(() => parseConformanceArgs([`--shard=${bad}`])).toThrow(/--shard must be K\/N/);
    }
    expect(() =>
      parseConformanceArgs(['--shard', '1/2', '--filter', 'codec', '--path', '0']),
    ).toThrow(/replay/);
  });
  it('reads merge-reports with its files and report options, and refuses a run option or no file', () => {
    expect(parseConformanceArgs(['merge-reports', 'a.json', 'b.json', '--junit', 'j.xml'])).toEqual(
      {
        runs: 100,
        help: false,
        junit: 'j.xml',
        mergeReports: ['a.json', 'b.json'],
      },
    );
    expect(() => parseConformanceArgs(['merge-reports', 'a.json', '--seed', '1'])).toThrow(
      /--seed belongs to a run/,
    );
    expect(() => parseConformanceArgs(['merge-reports'])).toThrow(/needs the --json report/);
    expect(() => parseConformanceArgs(['a.json'])).toThrow(ConformanceUsageError);
  });
});

describe('OPTIONS_HELP', () => {
  it('names every option', () => {
    for (const name of Object.keys(CONFORMANCE_OPTIONS))
      expect(OPTIONS_HELP).toContain(`--${name} `);
  });
});
