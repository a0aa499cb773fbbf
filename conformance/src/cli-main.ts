/**
 * The command line of the suite, shared by `pnpm conformance` (conformance/dist/bin.js) and
 * `vskit conformance`: parses options, loads the subject, runs, prints the report, writes JSON.
 * @module
 */
import { stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderReport } from './report.js';
import { runConformance } from './runner.js';
import { isSubject, type Subject } from './subject.js';
import { emulatedSubject } from './subjects/emulated.js';
import { nodeSubject } from './subjects/node.js';

/** Where the command line writes. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Folder that relative paths resolve against (default `process.cwd()`). */
  readonly cwd?: string;
}

/** Parsed command-line options. */
export interface CliOptions {
  readonly subject?: string;
  readonly runs: number;
  readonly seed?: number;
  readonly path?: string;
  readonly filter?: string;
  readonly aim?: string;
  readonly json?: string;
  readonly help: boolean;
}

/** The usage text. */
export const USAGE = `usage: conformance [--subject MODULE|emulated|node] [--runs N] [--seed S] [--path P]
                   [--filter PREFIX] [--aim ID] [--json FILE]

Runs the vskit conformance suite against a subject (default: vs-api on emulated volumes) and
prints one line per requirement. Exit status 0 when every requirement passes, 1 when any fails,
2 on bad usage.
  --subject MODULE  a module whose default export is a subject ({ name, createHost, createServer })
  --runs N          cases per property (default 100)
  --seed S          fast-check seed (default random, printed)
  --path P          replay one counterexample (use with --seed and --filter from the report)
  --filter PREFIX   only properties whose name or requirement ids start with PREFIX
  --aim ID          replay a case aimed at one requirement (the report prints it with --path)
  --json FILE       also write the report as JSON
`;

/** Parses argv (without the node and script names). Throws a message on bad usage. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const values: Record<string, string> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const match = /^--(subject|runs|seed|path|filter|aim|json)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new Error(`unknown option ${arg}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    values[match[1] as string] = value;
  }
  const int = (name: string, min: number): number | undefined => {
    const text = values[name];
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < min)
      throw new Error(`--${name} must be an integer >= ${min}`);
    return n;
  };
  if (values.path !== undefined && values.filter === undefined) {
    throw new Error('--path replays one property: give --filter too, as the report prints it');
  }
  return {
    runs: int('runs', 1) ?? 100,
    help,
    ...(values.subject === undefined ? {} : { subject: values.subject }),
    ...(values.seed === undefined ? {} : { seed: int('seed', -(2 ** 31)) as number }),
    ...(values.path === undefined ? {} : { path: values.path }),
    ...(values.filter === undefined ? {} : { filter: values.filter }),
    ...(values.aim === undefined ? {} : { aim: values.aim }),
    ...(values.json === undefined ? {} : { json: values.json }),
  };
}

/** Loads a subject: `emulated`, `node`, or a module whose default export is a subject. */
export async function loadSubject(spec: string | undefined, cwd: string): Promise<Subject> {
  if (spec === undefined || spec === 'emulated') return emulatedSubject;
  if (spec === 'node') return nodeSubject;
  const file = isAbsolute(spec) ? spec : resolve(cwd, spec);
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  if (!isSubject(module.default)) {
    throw new Error(
      `${spec}: the default export is not a subject ({ name, createHost, createServer })`,
    );
  }
  return module.default;
}

/** Runs the command line; resolves to the exit status. */
export async function main(argv: readonly string[], io?: CliIo): Promise<number> {
  const out = io ?? {
    stdout: (text: string) => process.stdout.write(text),
    stderr: (text: string) => process.stderr.write(text),
  };
  const cwd = io?.cwd ?? process.cwd();
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    out.stderr(`conformance: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    out.stdout(USAGE);
    return 0;
  }
  let subject: Subject;
  try {
    subject = await loadSubject(options.subject, cwd);
  } catch (error) {
    out.stderr(`conformance: cannot load subject: ${(error as Error).message}\n`);
    return 2;
  }
  if (options.json !== undefined) {
    // refuse a report that cannot be written before spending the run on it
    const folder = dirname(resolve(cwd, options.json));
    const isFolder = await stat(folder).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (!isFolder) {
      out.stderr(`conformance: --json: no folder ${folder} to write the report in\n`);
      return 2;
    }
  }
  const tty = io === undefined && process.stdout.isTTY === true;
  const report = await runConformance(subject, {
    ...(io === undefined && process.stderr.isTTY
      ? {
          onProgress: (name: string, done: number, total: number) =>
            process.stderr.write(
              `\r${done}/${total} ${name}`.padEnd(60) +
                (done === total ? `${'\r'.padEnd(61)}\r` : ''),
            ),
        }
      : {}),
    runs: options.runs,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.filter === undefined ? {} : { filter: options.filter }),
    ...(options.aim === undefined ? {} : { aim: options.aim }),
    ...(options.subject === undefined ? {} : { subjectModule: options.subject }),
  });
  out.stdout(renderReport(report, { color: tty }));
  if (options.json !== undefined) {
    await writeFile(resolve(cwd, options.json), `${JSON.stringify(report, null, 2)}\n`);
  }
  return report.ok ? 0 : 1;
}
