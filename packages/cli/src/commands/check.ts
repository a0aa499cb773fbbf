import { resolve } from 'node:path';
import { type CheckProblem, check, DEFAULT_MAX_CHAIN_DEPTH, openImage } from '@vskit/vhd-format';
import { parentOpener } from '../chain.js';
import { type Command, flag, positionals, stringOptions, writeText } from '../command.js';
import { describeError } from '../errors.js';
import { realPathOr } from '../file-facts.js';
import { explainNotVhd, openImageFile } from '../image-file.js';
import { writeJson } from '../output.js';
import type { DriveMap } from '../parents.js';
import { printable } from '../printable.js';
import { driveMap } from '../volumes.js';

/** Exit status: no errors (warnings allowed unless --strict). */
export const CHECK_CLEAN = 0;
/** Exit status: the image opens but problems were found. */
export const CHECK_PROBLEMS = 1;
/** Exit status: the file cannot be used as a VHD at all (missing, unreadable, not a VHD). */
export const CHECK_UNUSABLE = 2;

/**
 * A problem as `check` lists it: vhd-format's, or the error that kept a file from being read
 * (its code may then be a host's, such as `ENOENT`).
 */
export interface Problem extends Omit<CheckProblem, 'code'> {
  readonly code: string;
}

/** A problem, with the layer it was found in (0 = the file checked, 1 = its parent, ...). */
export interface LayerProblem extends Problem {
  readonly layer: number;
  readonly path: string;
}

/** What `check --json` prints. */
export interface CheckReport {
  readonly file: string;
  /** Whether the file opens as a VHD image. */
  readonly usable: boolean;
  /** No problems that count (errors, and warnings under --strict). */
  readonly ok: boolean;
  /** Every layer checked, top first. */
  readonly layers: readonly string[];
  readonly problems: readonly LayerProblem[];
}

function problemFrom(error: unknown): Problem {
  const { code, message } = describeError(error);
  return { code, severity: 'error', message };
}

/** Whether the file opens as a VHD at all (leniently); the error when it does not. */
async function openProblem(path: string): Promise<Problem | undefined> {
  try {
    const probe = await openImageFile(path, 'read');
    try {
      // Closing the image closes its file: the probe has its own handle.
      await (await openImage(probe)).close();
    } catch (error) {
      throw await explainNotVhd(error, probe, path);
    } finally {
      await probe.close().catch(() => undefined);
    }
    return undefined;
  } catch (error) {
    return problemFrom(error);
  }
}

/**
 * Checks one layer with vhd-format's `check` (which also compares it with its parent), and
 * resolves to its problems and where its parent was found.
 */
async function checkLayer(
  path: string,
  drives: DriveMap,
): Promise<{ problems: CheckProblem[]; parent: string | undefined }> {
  const file = await openImageFile(path, 'read');
  const opener = parentOpener(path, file, drives);
  try {
    const result = await check(file, { openParent: opener.openParent });
    const missing = opener.missing();
    const problems = result.problems.map((p) =>
      p.code === 'PARENT_NOT_FOUND' && missing !== undefined
        ? { ...p, message: missing.message }
        : p,
    );
    return { problems, parent: opener.sources[1]?.path };
  } finally {
    await opener.closeAll();
  }
}

/**
 * Checks the file at `path` and every parent below it; never throws for a bad file. A layer's
 * problems are listed with its depth; the walk stops at a missing parent, a cycle or the depth
 * limit.
 */
export async function checkFile(path: string, volumes: readonly string[]): Promise<CheckReport> {
  const file = resolve(path);
  const drives = driveMap(volumes);
  const fatal = await openProblem(file);
  if (fatal?.code === 'NOT_A_VHD') {
    // Another format altogether: VHD structure errors would only restate it.
    return {
      file,
      usable: false,
      ok: false,
      layers: [file],
      problems: [{ ...fatal, layer: 0, path: file }],
    };
  }
  const problems: LayerProblem[] = [];
  const layers: string[] = [];
  const seen = new Set<string>();
  let current: string | undefined = file;
  for (let layer = 0; current !== undefined; layer++) {
    const here: string = current;
    const real = realPathOr(here, here);
    if (seen.has(real)) {
      problems.push({
        code: 'CHAIN_CYCLE',
        severity: 'error',
        message: `the chain leads back to ${here}`,
        layer,
        path: here,
      });
      break;
    }
    if (layer > DEFAULT_MAX_CHAIN_DEPTH) {
      problems.push({
        code: 'CHAIN_TOO_DEEP',
        severity: 'error',
        message: `more than ${DEFAULT_MAX_CHAIN_DEPTH} parents`,
        layer,
        path: here,
      });
      break;
    }
    seen.add(real);
    layers.push(here);
    try {
      const result = await checkLayer(here, drives);
      for (const p of result.problems) {
        if (
          !problems.some((q) => q.layer === layer && q.code === p.code && q.message === p.message)
        ) {
          problems.push({ ...p, layer, path: here });
        }
      }
      current = result.parent;
    } catch (error) {
      const problem = problemFrom(error);
      if (!problems.some((q) => q.layer === layer && q.code === problem.code)) {
        problems.push({ ...problem, layer, path: here });
      }
      current = undefined;
    }
  }
  const usable = fatal === undefined;
  // Why the file does not open, unless check already said it in its own words.
  if (fatal !== undefined && !problems.some((p) => p.layer === 0 && p.severity === 'error')) {
    problems.unshift({ ...fatal, layer: 0, path: file });
  }
  return {
    file,
    usable,
    ok: usable && !problems.some((p) => p.severity === 'error'),
    layers,
    problems,
  };
}

/** The exit status for a report. */
export function checkExitCode(report: CheckReport, strict: boolean): number {
  if (!report.usable) return CHECK_UNUSABLE;
  const counted = report.problems.filter((p) => p.severity === 'error' || strict);
  return counted.length === 0 ? CHECK_CLEAN : CHECK_PROBLEMS;
}

/** The human text of `vskit check`; paths and messages may quote a file, so each line is printable. */
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
  if (report.layers.length > 1) {
    lines.push(`  chain   ${report.layers.join(' -> ')}`);
  }
  for (const p of report.problems) {
    const layer = p.layer === 0 ? '' : `parent ${p.layer} (${p.path}): `;
    const where = [p.field, p.offset === undefined ? undefined : `@${p.offset}`]
      .filter(Boolean)
      .join(' ');
    lines.push(
      `  ${p.severity.padEnd(7)} ${p.code}${where ? ` [${where}]` : ''}: ${layer}${p.message.replace(/\s*\n\s*/g, ' ')}`,
    );
  }
  return `${lines.map(printable).join('\n')}\n`;
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
