/**
 * The command line of the suite, shared by `pnpm conformance` (conformance/dist/bin.js) and
 * `vskit conformance`: parses options (`options.ts`, one table for both), loads the subject,
 * runs, prints the report, writes JSON.
 * @module
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PropertyTimes, TIMES_VARIABLE } from './_internal/property-times.js';
import { resolveSuiteForSubjects } from './_internal/subject-resolution.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import {
  type ConformanceArgs,
  ConformanceUsageError,
  MERGE_HELP,
  OPTIONS_HELP,
  parseConformanceArgs,
} from './options.js';
import { renderReport } from './report.js';
import { type ConformanceReport, runConformance, selectProperties } from './runner.js';
import { MergeReportsError, mergeReports } from './shard.js';
import { isSubject, type Subject } from './subject.js';
import { emulatedSubject } from './subjects/emulated.js';
import { nodeSubject } from './subjects/node.js';

/**
 * Where the command line writes, and how it was started. Without `stdout` the report goes to the
 * process's stdout (coloured on a terminal); without `stderr`, errors go to the process's stderr
 * (with progress on a terminal).
 */
export interface CliIo {
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** Folder that relative paths resolve against (default `process.cwd()`). */
  readonly cwd?: string;
  /**
   * The command that started the run, as replay lines print it (`vskit conformance`); default
   * `pnpm conformance`.
   */
  readonly command?: string;
}

/** The usage text. */
export const USAGE = `usage: conformance [options]
       conformance merge-reports A.json B.json ... [--json FILE] [--junit FILE] [--html FILE]

Runs the vskit conformance suite against a subject (default: vs-api on emulated volumes) and
prints one line per requirement. Exit status 0 when every requirement passes, 1 when any fails,
2 on bad usage.
${OPTIONS_HELP}${MERGE_HELP}`;

/**
 * Loads a subject: `emulated`, `node`, or a module whose default export is a subject. The module
 * may live anywhere: a `@vskit/` package it imports but cannot resolve from its own folder is
 * the copy running it.
 */
export async function loadSubject(spec: string | undefined, cwd: string): Promise<Subject> {
  if (spec === undefined || spec === 'emulated') return emulatedSubject;
  if (spec === 'node') return nodeSubject;
  const file = isAbsolute(spec) ? spec : resolve(cwd, spec);
  resolveSuiteForSubjects(import.meta.url);
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  if (!isSubject(module.default)) {
    throw new Error(
      `${spec}: the default export is not a subject ({ name, createHost, createServer })`,
    );
  }
  return module.default;
}

/** The report files the arguments ask for, by option: `[['json', 'r.json'], ...]`. */
function reportFiles(args: ConformanceArgs): Array<[option: string, file: string]> {
  return (['json', 'junit', 'html'] as const).flatMap((option) => {
    const file = args[option];
    return file === undefined ? [] : [[option, file] as [string, string]];
  });
}

/** Why the arguments cannot run, before anything is loaded; `undefined` when they can. */
async function refusal(args: ConformanceArgs, cwd: string): Promise<string | undefined> {
  if (selectProperties(args.filter).length === 0) {
    return `--filter '${args.filter}' matches no property and no requirement id`;
  }
  for (const [option, file] of reportFiles(args)) {
    // refuse a report that cannot be written before spending the run on it
    const folder = dirname(resolve(cwd, file));
    const isFolder = await stat(folder).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (!isFolder) return `--${option}: no folder ${folder} to write the report in`;
  }
  return undefined;
}

/** Prints a report and writes the report files the arguments ask for; the exit status. */
async function deliver(
  report: ConformanceReport,
  args: ConformanceArgs,
  out: { stdout: (text: string) => void },
  io: CliIo | undefined,
  cwd: string,
): Promise<number> {
  const color = io?.stdout === undefined && process.stdout.isTTY === true;
  const command = io?.command ?? 'pnpm conformance';
  out.stdout(renderReport(report, { color, command }));
  if (args.json !== undefined) {
    await writeFile(resolve(cwd, args.json), `${JSON.stringify(report, null, 2)}\n`);
  }
  if (args.junit !== undefined) {
    await writeFile(resolve(cwd, args.junit), renderJunit(report, { command }));
  }
  if (args.html !== undefined) {
    await writeFile(resolve(cwd, args.html), renderHtml(report, { command }));
  }
  return report.ok ? 0 : 1;
}

/** Reads the shard reports `files` and joins them; a message (exit 2) when they cannot be. */
async function mergedReport(
  files: readonly string[],
  cwd: string,
): Promise<ConformanceReport | string> {
  const reports: ConformanceReport[] = [];
  for (const file of files) {
    try {
      reports.push(JSON.parse(await readFile(resolve(cwd, file), 'utf8')) as ConformanceReport);
    } catch (error) {
      return `merge-reports: cannot read ${file}: ${(error as Error).message}`;
    }
    const report = reports.at(-1);
    if (typeof report !== 'object' || report === null || !Array.isArray(report.requirements)) {
      return `merge-reports: ${file} is not a conformance report (--json)`;
    }
  }
  try {
    return mergeReports(reports);
  } catch (error) {
    if (!(error instanceof MergeReportsError)) throw error;
    return `merge-reports: ${error.message}`;
  }
}

/** Progress on stderr, for a terminal. */
function progress(name: string, done: number, total: number): void {
  process.stderr.write(
    `\r${done}/${total} ${name}`.padEnd(60) + (done === total ? `${'\r'.padEnd(61)}\r` : ''),
  );
}

/** Runs the command line; resolves to the exit status. */
export async function main(argv: readonly string[], io?: CliIo): Promise<number> {
  const out = {
    stdout: io?.stdout ?? ((text: string) => process.stdout.write(text)),
    stderr: io?.stderr ?? ((text: string) => process.stderr.write(text)),
  };
  const cwd = io?.cwd ?? process.cwd();
  let args: ReturnType<typeof parseConformanceArgs>;
  try {
    args = parseConformanceArgs(argv);
  } catch (error) {
    if (!(error instanceof ConformanceUsageError)) throw error;
    out.stderr(`conformance: ${error.message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    out.stdout(USAGE);
    return 0;
  }
  if (args.mergeReports !== undefined) {
    const refused = await refusal(args, cwd);
    const merged = refused ?? (await mergedReport(args.mergeReports, cwd));
    if (typeof merged === 'string') {
      out.stderr(`conformance: ${merged}\n`);
      return 2;
    }
    return deliver(merged, args, out, io, cwd);
  }
  let subject: Subject;
  try {
    subject = await loadSubject(args.subject, cwd);
  } catch (error) {
    out.stderr(`conformance: cannot load subject: ${(error as Error).message}\n`);
    return 2;
  }
  const refused = await refusal(args, cwd);
  if (refused !== undefined) {
    out.stderr(`conformance: ${refused}\n`);
    return 2;
  }
  const showProgress = io?.stderr === undefined && process.stderr.isTTY;
  const times = process.env[TIMES_VARIABLE] === '1' ? new PropertyTimes() : undefined;
  const onProgress = (name: string, done: number, total: number) => {
    times?.finished(name);
    if (showProgress) progress(name, done, total);
  };
  const report = await runConformance(subject, {
    ...(showProgress || times !== undefined ? { onProgress } : {}),
    runs: args.runs,
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    ...(args.path === undefined ? {} : { path: args.path }),
    ...(args.filter === undefined ? {} : { filter: args.filter }),
    ...(args.aim === undefined ? {} : { aim: args.aim }),
    ...(args.subject === undefined ? {} : { subjectModule: args.subject }),
    ...(args.shard === undefined ? {} : { shard: args.shard }),
    ...(args.caseTimeoutMs === undefined ? {} : { caseTimeoutMs: args.caseTimeoutMs }),
    ...(args.quickTimeoutMs === undefined ? {} : { quickTimeoutMs: args.quickTimeoutMs }),
  });
  const status = await deliver(report, args, out, io, cwd);
  if (times !== undefined) out.stderr(times.table(report.durationMs));
  return status;
}
