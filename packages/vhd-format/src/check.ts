/**
 * A thorough consistency check of one image file (and its link to its parent), in the spirit
 * of `vhd-util check`: footer and its copy, checksums, header, BAT entries past the end,
 * blocks that overlap each other or the metadata, locators out of range, the parent's UUID.
 * @module
 */

import { parentTimeDiffers, vhdTimestamp } from './codec/timestamp.js';
import { formatUuid, sameUuid } from './codec/uuid.js';
import { isVhdFormatError, VhdFormatError } from './errors.js';
import type { OpenChainOptions } from './image/chain.js';
import { openLayer } from './image/open.js';
import type { RandomAccessFile } from './io.js';
import type { DynamicHeader } from './structs/dynamic-header.js';
import type { CheckProblem } from './validate/findings.js';
import { checkSink } from './validate/sinks.js';
import { validateStructure } from './validate/structure.js';

export type { CheckCode, CheckProblem } from './validate/findings.js';

/** Options of {@link check}. */
export interface CheckOptions {
  /** Opens the parent of a differencing image, to compare its UUID, time and size. */
  openParent?: OpenChainOptions['openParent'];
}

/** The result of {@link check}: `ok` when no problem is an error. */
export interface CheckResult {
  /** True when no problem is an error. */
  ok: boolean;
  /** Every problem found, in the order found. */
  problems: CheckProblem[];
}

/** A problem from an error thrown while checking, its message after `label: ` when given. */
function problemOf(e: VhdFormatError, label?: string): CheckProblem {
  const p: CheckProblem = {
    code: e.code,
    severity: 'error',
    message: label === undefined ? e.detail : `${label}: ${e.detail}`,
  };
  if (e.field !== undefined) p.field = e.field;
  if (e.offset !== undefined) p.offset = e.offset;
  return p;
}

/**
 * Checks `file` thoroughly and lists every problem found; never throws for a damaged image
 * (only for failures of the file itself or errors thrown by `openParent`). Runs the structural
 * pass `openImage` runs, with the same codes, but lists every finding instead of stopping at
 * the first. With `openParent`, a differencing image's parent is opened to compare its UUID
 * (`PARENT_ID_MISMATCH`), modification time and size.
 *
 * @example
 * ```ts
 * const { ok, problems } = await check(file, { openParent: async () => parentFile });
 * for (const p of problems) console.log(p.severity, p.code, p.message);
 * ```
 */
export async function check(file: RandomAccessFile, o: CheckOptions = {}): Promise<CheckResult> {
  const problems: CheckProblem[] = [];
  try {
    const found = await validateStructure(file, checkSink(problems));
    // A BAT entry past the end keeps the image from opening: the parent link is not followed.
    const opens = !problems.some((p) => p.code === 'BAT_ENTRY_OUT_OF_RANGE');
    if (found?.type === 'differencing' && opens) {
      await checkParent(file, found.header, o, problems);
    }
  } catch (e) {
    if (!isVhdFormatError(e)) throw e;
    problems.push(problemOf(e));
  }
  return { ok: problems.every((p) => p.severity !== 'error'), problems };
}

async function checkParent(
  file: RandomAccessFile,
  header: DynamicHeader,
  o: CheckOptions,
  problems: CheckProblem[],
): Promise<void> {
  if (!o.openParent) return;
  let child: Awaited<ReturnType<typeof openLayer>>;
  try {
    // Footer and header only: the blocks were checked above.
    child = await openLayer(shareOf(file), {}, { blocks: false });
  } catch (e) {
    if (!isVhdFormatError(e)) throw e;
    return; // Already reported above; the parent link cannot be followed.
  }
  const ref = child.parent!;
  const opened = await o.openParent(ref, child, 1);
  if (!opened) {
    problems.push({
      code: 'PARENT_NOT_FOUND',
      severity: 'error',
      message: `parent ${JSON.stringify(ref.unicodeName)} not found`,
      field: 'header.parentUnicodeName',
    });
    return;
  }
  const parentFile = 'read' in opened ? opened : opened.file;
  const modified = 'read' in opened ? undefined : opened.modified;
  try {
    // Footer and header: the parent's blocks are checked when the parent is.
    const parent = await openLayer(parentFile, {}, { blocks: false });
    if (!sameUuid(parent.footer.uniqueId, header.parentUniqueId)) {
      problems.push({
        code: 'PARENT_ID_MISMATCH',
        severity: 'error',
        message: `parent is ${formatUuid(parent.footer.uniqueId)}, the child expects ${formatUuid(header.parentUniqueId)}`,
        field: 'header.parentUniqueId',
      });
    }
    // A recorded 0 means "not recorded" (Windows, vhd-lib): nothing to compare.
    if (modified && parentTimeDiffers(header.parentTimestamp, modified)) {
      problems.push({
        code: 'PARENT_TIMESTAMP_MISMATCH',
        severity: 'warning',
        message: `parent modified at VHD time ${vhdTimestamp(modified)}, the child records ${header.parentTimestamp}`,
        field: 'header.parentTimestamp',
      });
    }
    if (parent.virtualSize !== child.virtualSize) {
      problems.push({
        code: 'PARENT_SIZE_MISMATCH',
        severity: 'warning',
        message: `parent is ${parent.virtualSize} bytes, the child ${child.virtualSize}`,
      });
    }
  } catch (e) {
    if (!isVhdFormatError(e)) throw e;
    problems.push(problemOf(e, 'parent'));
  } finally {
    await parentFile.close().catch(() => undefined);
  }
}

/** A view of `file` whose close does nothing (check never closes the caller's file). */
function shareOf(file: RandomAccessFile): RandomAccessFile {
  return {
    read: (b, p) => file.read(b, p),
    write: () => Promise.reject(new VhdFormatError('READ_ONLY', 'check never writes')),
    size: () => file.size(),
    truncate: () => Promise.reject(new VhdFormatError('READ_ONLY', 'check never writes')),
    sync: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
