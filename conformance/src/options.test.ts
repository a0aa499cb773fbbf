import { describe, expect, it } from 'vitest';
import {
  CONFORMANCE_OPTIONS,
  ConformanceUsageError,
  conformanceArgv,
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
    expect(refused(['--runs', '2.5'])).toMatch(/--runs/);
    expect(refused(['--seed', 'x'])).toMatch(/--seed/);
    expect(refused(['--case-timeout', '0'])).toMatch(/--case-timeout must be a number of seconds/);
    expect(refused(['--quick-timeout', 'soon'])).toMatch(/--quick-timeout/);
    expect(refused(['--path', '1:2'])).toMatch(/--filter/);
  });
});

describe('conformanceArgv', () => {
  it('says every option again, so what it gives parses back to the same arguments', () => {
    const args = parseConformanceArgs([
      '--subject=./s.mjs',
      '--runs=3',
      '--seed=-7',
      '--path=0:1',
      '--filter=model.',
      '--aim=CDVHD.S_OK',
      '--json=r.json',
      '--case-timeout=1.5',
      '--quick-timeout=0.5',
    ]);
    // a new option must be said again too
    expect(
      Object.keys(CONFORMANCE_OPTIONS).every((name) =>
        conformanceArgv(args).some((a) => a.startsWith(`--${name}=`) || a === `--${name}`),
      ),
    ).toBe(true);
    expect(parseConformanceArgs(conformanceArgv(args))).toEqual(args);
  });
});

describe('OPTIONS_HELP', () => {
  it('names every option', () => {
    for (const name of Object.keys(CONFORMANCE_OPTIONS))
      expect(OPTIONS_HELP).toContain(`--${name} `);
  });
});
