/**
 * The command-line options of the suite, in `node:util` `parseArgs` terms, what they mean and
 * the one parser that reads them, for both command lines: the suite's own
 * (`conformance/dist/bin.js`) and `vskit conformance`, which hands its arguments over unparsed.
 * @module
 */
import { parseArgs } from 'node:util';

/** One option, as `node:util` `parseArgs` takes it. */
export interface ConformanceOptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

/** Every option of `conformance` and `vskit conformance` (besides `--help`). */
export const CONFORMANCE_OPTIONS = {
  subject: { type: 'string' },
  runs: { type: 'string' },
  seed: { type: 'string' },
  path: { type: 'string' },
  filter: { type: 'string' },
  aim: { type: 'string' },
  json: { type: 'string' },
  junit: { type: 'string' },
  html: { type: 'string' },
  shard: { type: 'string' },
  'case-timeout': { type: 'string' },
  'quick-timeout': { type: 'string' },
} as const satisfies Readonly<Record<string, ConformanceOptionSpec>>;

/** The option lines of the help text, one per option of {@link CONFORMANCE_OPTIONS}. */
export const OPTIONS_HELP = `  --subject MODULE   a module whose default export is a subject ({ name, createHost,
                     createServer}); 'emulated' (default: vs-api on emulated volumes) or 'node'
                     (vs-api on real temporary folders)
  --runs N           cases per property (default 100)
  --seed S           fast-check seed (default random, printed in the report)
  --path P           replay one counterexample (with --seed and --filter from the report)
  --filter PREFIX    only properties whose name or requirement ids start with PREFIX
  --aim ID           replay a case aimed at one requirement (the report prints it with --path)
  --json FILE        also write the report as JSON
  --junit FILE       also write the report as JUnit XML (one testcase per requirement id)
  --html FILE        also write the report as one HTML page (groups, failures, replay commands)
  --shard K/N        run only the K-th of N deterministic parts of the work (1 <= K <= N),
                     for a CI matrix; join the parts' --json reports with merge-reports
  --case-timeout S   seconds a call that does real work may take (default 30)
  --quick-timeout S  seconds a call that answers at once may take (default 2)
`;

/** What the options say, read and checked. */
export interface ConformanceArgs {
  readonly subject?: string;
  readonly runs: number;
  readonly seed?: number;
  readonly path?: string;
  readonly filter?: string;
  readonly aim?: string;
  readonly json?: string;
  readonly junit?: string;
  readonly html?: string;
  /** `--shard K/N`: run the `index`-th (from 1) of `count` parts of the work. */
  readonly shard?: Shard;
  /** `--case-timeout`, in milliseconds. */
  readonly caseTimeoutMs?: number;
  /** `--quick-timeout`, in milliseconds. */
  readonly quickTimeoutMs?: number;
}

/** One part of the work of a run split across machines: the `index`-th (1 to `count`) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The line of the help text for `merge-reports`. */
export const MERGE_HELP = `  merge-reports A.json B.json ... [--json FILE] [--junit FILE] [--html FILE]
                     join the --json reports of every shard of one sharded run into the report
                     one run would give (exit 2 when a shard is missing or given twice)
`;

/** The options `merge-reports` takes: where to write the joined report. */
const MERGE_OPTIONS: readonly string[] = ['json', 'junit', 'html'];

/** A command line that cannot be understood; its message names the option. */
export class ConformanceUsageError extends Error {
  override readonly name = 'ConformanceUsageError';
  /** `INVALID_NUMBER` for a value that is not the number its option takes, else `USAGE`. */
  readonly code: 'USAGE' | 'INVALID_NUMBER';

  constructor(message: string, code: 'USAGE' | 'INVALID_NUMBER' = 'USAGE') {
    super(message);
    this.code = code;
  }
}

const text = (values: Readonly<Record<string, unknown>>, name: string): string | undefined => {
  const value = values[name];
  if (Array.isArray(value)) return value.length === 0 ? undefined : String(value.at(-1));
  return typeof value === 'string' ? value : undefined;
};

function whole(values: Readonly<Record<string, unknown>>, name: string, min: number) {
  const given = text(values, name);
  if (given === undefined) return undefined;
  const n = Number(given);
  if (!/^-?\d+$/.test(given.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new ConformanceUsageError(
      `--${name} must be a whole number >= ${min}, got '${given}'`,
      'INVALID_NUMBER',
    );
  }
  return n;
}

function milliseconds(values: Readonly<Record<string, unknown>>, name: string) {
  const given = text(values, name);
  if (given === undefined) return undefined;
  const seconds = Number(given);
  if (given.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new ConformanceUsageError(
      `--${name} must be a number of seconds above 0, got '${given}'`,
      'INVALID_NUMBER',
    );
  }
  return Math.round(seconds * 1000);
}

function shard(values: Readonly<Record<string, unknown>>): Shard | undefined {
  const given = text(values, 'shard');
  if (given === undefined) return undefined;
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(given);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || !Number.isSafeInteger(count) || index < 1 || index > count) {
    throw new ConformanceUsageError(
      `--shard must be K/N with whole numbers 1 <= K <= N, got '${given}'`,
      'INVALID_NUMBER',
    );
  }
  return { index, count };
}

/**
 * Reads parsed option values (`parseArgs(...).values`, keyed as in {@link CONFORMANCE_OPTIONS}).
 * @throws ConformanceUsageError for a value that makes no sense, or `--path` without `--filter`.
 */
function readConformanceArgs(values: Readonly<Record<string, unknown>>): ConformanceArgs {
  const strings = ['subject', 'path', 'filter', 'aim', 'json', 'junit', 'html'] as const;
  const given = Object.fromEntries(
    strings.flatMap((name) => {
      const value = text(values, name);
      return value === undefined ? [] : [[name, value]];
    }),
  ) as { [K in (typeof strings)[number]]?: string };
  if (given.path !== undefined && given.filter === undefined) {
    throw new ConformanceUsageError(
      '--path replays one property: give --filter too, as the report prints it',
    );
  }
  const part = shard(values);
  if (part !== undefined && (given.path !== undefined || given.aim !== undefined)) {
    throw new ConformanceUsageError('--shard splits a run: a replay (--path, --aim) runs whole');
  }
  const seed = whole(values, 'seed', -(2 ** 31));
  const caseTimeoutMs = milliseconds(values, 'case-timeout');
  const quickTimeoutMs = milliseconds(values, 'quick-timeout');
  return {
    ...given,
    runs: whole(values, 'runs', 1) ?? 100,
    ...(seed === undefined ? {} : { seed }),
    ...(part === undefined ? {} : { shard: part }),
    ...(caseTimeoutMs === undefined ? {} : { caseTimeoutMs }),
    ...(quickTimeoutMs === undefined ? {} : { quickTimeoutMs }),
  };
}

/**
 * Parses a command line (without the node and script names): every option of
 * {@link CONFORMANCE_OPTIONS}, `--help`/`-h`, no positional argument; or
 * `merge-reports FILE... [--json FILE] [--junit FILE]`, which gives `mergeReports` (the files, at
 * least one) and takes no option of a run.
 * @throws ConformanceUsageError naming the option that cannot be understood.
 */
export function parseConformanceArgs(
  argv: readonly string[],
): ConformanceArgs & { readonly help: boolean; readonly mergeReports?: readonly string[] } {
  const merging = argv[0] === 'merge-reports';
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: merging ? argv.slice(1) : [...argv],
      options: { ...CONFORMANCE_OPTIONS, help: { type: 'boolean', short: 'h' } },
      allowPositionals: merging,
      strict: true,
    }));
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new ConformanceUsageError(message);
  }
  const args = { ...readConformanceArgs(values), help: values.help === true };
  if (!merging) return args;
  const runOption = Object.keys(values).find(
    (name) => name !== 'help' && !MERGE_OPTIONS.includes(name),
  );
  if (runOption !== undefined) {
    throw new ConformanceUsageError(
      `merge-reports joins reports and runs nothing: --${runOption} belongs to a run`,
    );
  }
  if (positionals.length === 0 && !args.help) {
    throw new ConformanceUsageError('merge-reports needs the --json report of every shard');
  }
  return { ...args, mergeReports: positionals };
}
