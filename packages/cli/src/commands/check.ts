import { resolve } from 'node:path';
import { openNodeFile } from '@vskit/emulator';
import { type CheckProblem, check, openImage } from '@vskit/vhd-format';
import { parentOpener } from '../chain.js';
import { type Command, flag, positionals, stringOptions, writeText } from '../command.js';
import { describeError } from '../errors.js';
import { writeJson } from '../output.js';
import { driveMap } from '../volumes.js';

/** Exit status: no errors (warnings allowed unless --strict). */
export const CHECK_CLEAN = 0;
/** Exit status: the image opens but problems were found. */
export const CHECK_PROBLEMS = 1;
/** Exit status: the file cannot be used as a VHD at all (missing, unreadable, not a VHD). */
export const CHECK_UNUSABLE = 2;

/** What `check --json` prints. */
export interface CheckReport {
  readonly file: string;
  /** Whether the file opens as a VHD image. */
  readonly usable: boolean;
  /** No problems that count (errors, and warnings under --strict). */
  readonly ok: boolean;
  readonly problems: readonly CheckProblem[];
}

/** Runs the checks on the file at `path`; never throws for a bad file. */
export async function checkFile(path: string, volumes: readonly string[]): Promise<CheckReport> {
  const file = resolve(path);
  const drives = driveMap(volumes);
  let top: Awaited<ReturnType<typeof openNodeFile>>;
  try {
    top = await openNodeFile(file, 'read');
  } catch (error) {
    return { file, usable: false, ok: false, problems: [problemFrom(error)] };
  }
  const opener = parentOpener(file, top, drives);
  try {
    let usable = true;
    const problems: CheckProblem[] = [];
    try {
      const image = await openImage(top);
      await image.close();
    } catch (error) {
      usable = false;
      problems.push(problemFrom(error));
    }
    try {
      const result = await check(top, { openParent: opener.openParent });
      for (const p of result.problems) {
        if (!problems.some((q) => q.code === p.code && q.message === p.message)) problems.push(p);
      }
    } catch (error) {
      const problem = problemFrom(opener.missing() ?? error);
      if (!problems.some((q) => q.code === problem.code)) problems.push(problem);
    }
    return { file, usable, ok: usable && !problems.some((p) => p.severity === 'error'), problems };
  } finally {
    await opener.closeAll();
  }
}

function problemFrom(error: unknown): CheckProblem {
  const { code, message } = describeError(error);
  return { code, severity: 'error', message };
}

/** The exit status for a report. */
export function checkExitCode(report: CheckReport, strict: boolean): number {
  if (!report.usable) return CHECK_UNUSABLE;
  const counted = report.problems.filter((p) => p.severity === 'error' || strict);
  return counted.length === 0 ? CHECK_CLEAN : CHECK_PROBLEMS;
}

/** The human text of `vskit check`. */
export function renderCheck(report: CheckReport, exitCode: number): string {
  const verdict =
    exitCode === CHECK_UNUSABLE
      ? 'unusable'
      : exitCode === CHECK_PROBLEMS
        ? 'problems found'
        : 'clean';
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  const warnings = report.problems.length - errors;
  const counts =
    report.problems.length === 0
      ? ''
      : ` (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`;
  const lines = [`${report.file}: ${verdict}${counts}`];
  for (const p of report.problems) {
    const where = [p.field, p.offset === undefined ? undefined : `@${p.offset}`]
      .filter(Boolean)
      .join(' ');
    lines.push(
      `  ${p.severity.padEnd(7)} ${p.code}${where ? ` [${where}]` : ''}: ${p.message.replace(/\s*\n\s*/g, ' ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `vskit check`: structural checks of a file and its chain. */
export const checkCommand: Command = {
  name: 'check',
  summary: 'check a VHD and its chain; exit 0 clean, 1 problems found, 2 unusable',
  usage: ['check <file> [--json] [--strict] [--volume X=/dir ...]'],
  help: `Checks the footer (and its copy), the dynamic header, the BAT, blocks, parent locators and
the parent chain (UUIDs, timestamps) of <file>, and lists every problem found.

Exit status:
  0  clean: no errors (warnings, such as a parent timestamp differing from the parent file's,
     are listed but do not fail the check unless --strict)
  1  problems found: the image opens, but has errors (or warnings under --strict)
  2  unusable: the file is missing, unreadable or not a VHD at all

Options:
  --json              print one JSON document: { file, usable, ok, problems: [...] }
  --strict            warnings count as problems too
  --volume X=/dir     read absolute W2ku locators on drive X: from /dir (Z: is / already)

Example:
  $ vskit check disk.vhd
  /srv/disk.vhd: problems found (1 error, 0 warnings)
    error   BAD_CHECKSUM [footer.checksum @67108864]: footer checksum 0x1234abcd, expected 0x1234abce
`,
  options: {
    json: { type: 'boolean' },
    strict: { type: 'boolean' },
    volume: { type: 'string', multiple: true },
  },
  async run(args, io) {
    const [path] = positionals(args.positionals, ['file']) as [string];
    const report = await checkFile(path, stringOptions(args, 'volume'));
    const exitCode = checkExitCode(report, flag(args, 'strict'));
    if (flag(args, 'json')) await writeJson(io.stdout, { ...report, ok: exitCode === CHECK_CLEAN });
    else await writeText(io.stdout, renderCheck(report, exitCode));
    return exitCode;
  },
};
