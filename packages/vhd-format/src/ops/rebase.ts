/**
 * Rebase: points a differencing child at its parent's new place or name (`qemu-img rebase -u`,
 * `vhd-util modify -p`, Hyper-V's `Set-VHD -ParentPath`). Only the child's header and its
 * locator data change; no sector of the virtual disk moves.
 * @module
 */

import { vhdTimestamp } from '../codec/timestamp.js';
import { sameUuid } from '../codec/uuid.js';
import { FOOTER_SIZE, PARENT_NAME_SIZE, SECTOR_SIZE } from '../constants.js';
import { VhdFormatError } from '../errors.js';
import {
  checkParentFacts,
  type LocatorData,
  type ParentDescription,
  parentLocatorData,
} from '../image/create-differencing.js';
import type { RandomAccessFile } from '../io.js';
import { blockStride, roundUpToSector } from '../layout.js';
import { type DynamicHeader, encodeDynamicHeader } from '../structs/dynamic-header.js';
import { encodeFooter } from '../structs/footer.js';
import { decodeLocatorPath, emptyLocatorEntry, platformName } from '../structs/parent-locator.js';
import { openSink } from '../validate/sinks.js';
import { type SparseStructure, validateStructure } from '../validate/structure.js';
import { advance, type OperationOptions } from './options.js';
import { firstHole, metadataRanges } from './used-space.js';

/** The new parent, as {@link createDifferencing} takes it (its block size plays no part). */
export type RebaseParent = Omit<ParentDescription, 'blockSizeBytes'>;

/** Options of {@link rebase}. */
export interface RebaseOptions extends OperationOptions {
  /** The parent at its new place: its footer (UUID, size), file time, name and paths. */
  parent: RebaseParent;
  /**
   * Accept a parent whose UUID differs from the one the child records, and record the new UUID
   * (default false). Unsafe: the child's sectors then lie over a disk they were not written
   * over, as with `qemu-img rebase -u`.
   */
  unsafe?: boolean;
}

/** What the child recorded of its parent before the rebase. */
export interface RecordedParent {
  /** The parent UUID. */
  uniqueId: Uint8Array;
  /** The parent time, VHD seconds. */
  timestamp: number;
  /** The parent Unicode name. */
  unicodeName: string;
  /** The locators that could be read, in header order. */
  locators: Array<{ platform: string; path: string }>;
}

/** What {@link rebase} did. */
export interface RebaseResult {
  /** The parent as recorded before. */
  previous: RecordedParent;
  /** Whether the recorded parent UUID changed (only with `unsafe`). */
  uniqueIdChanged: boolean;
  /** Where the new locator data starts in the file (undefined when no path was given). */
  locatorDataOffset: number | undefined;
  /** Bytes the file grew by: 0 when the data fit in free space inside it. */
  grownBy: number;
}

/**
 * Points the differencing disk in `child` at `o.parent`: rewrites the parent UUID (only when it
 * changes, with `unsafe`), the parent time, the parent Unicode name and the locators (W2ku then
 * W2ru, as creation writes them; every other locator, which names the old place, is cleared).
 *
 * Refuses, before writing anything: an image that is not differencing (`NOT_DIFFERENCING`), a
 * damaged one (the writable open's findings), unless `unsafe` a parent whose UUID differs from
 * the recorded one (`PARENT_ID_MISMATCH`), and a parent of another virtual size
 * (`INVALID_ARGUMENT`, even when unsafe).
 *
 * Order of writes, so that a power cut anywhere leaves the child opening and reading as before or
 * as after: (1) the new locator data, into space nothing references (a hole between the metadata
 * and the first block large enough, else after the last block: then the footer first goes to
 * the new end of the file and the data where the footer was), and the trailing footer again when
 * a cut had left the end of the file as zeros; (2) sync; (3) the header, one
 * write of 1024 bytes; (4) sync. The old locator data is left where it was, unreferenced: the
 * next rebase can reuse that space, so repeated rebases stop growing the file as soon as the
 * old and the new locators fit side by side (after the first, for paths of similar length).
 *
 * @example
 * ```ts
 * const result = await rebase(childFile, {
 *   parent: { footer: parent.footer, modified: mtime, unicodeName: 'base.vhd',
 *             relativePath: '..\\base\\base.vhd', absolutePath: 'Z:\\srv\\base\\base.vhd' },
 * });
 * console.log(result.grownBy);
 * ```
 */
export async function rebase(child: RandomAccessFile, o: RebaseOptions): Promise<RebaseResult> {
  const parent = o?.parent;
  if (!parent?.footer) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'parent.footer is required', { field: 'parent' });
  }
  checkParentFacts(parent);
  const locators = parentLocatorData(parent);
  const warnings: string[] = [];
  const sink = openSink(
    { strict: false, writable: true, acceptLittleEndianParentName: true },
    warnings,
  );
  const found = await validateStructure(child, sink);
  if (found.type !== 'differencing') {
    throw new VhdFormatError('NOT_DIFFERENCING', `the image is ${found.type}, not differencing`, {
      field: 'footer.diskType',
      value: found.footer.diskType,
    });
  }
  const { header } = found;
  const uniqueIdChanged = !sameUuid(header.parentUniqueId, parent.footer.uniqueId);
  if (uniqueIdChanged && o.unsafe !== true) {
    throw new VhdFormatError(
      'PARENT_ID_MISMATCH',
      'the new parent is another disk (its UUID differs from the recorded one); rebase it only as unsafe',
      { field: 'parent.footer.uniqueId', value: parent.footer.uniqueId },
    );
  }
  if (parent.footer.currentSize !== found.footer.currentSize) {
    throw new VhdFormatError(
      'INVALID_ARGUMENT',
      `the parent's size ${parent.footer.currentSize} differs from the child's ${found.footer.currentSize}`,
      { field: 'parent.footer.currentSize', value: parent.footer.currentSize },
    );
  }
  const previous = await recordedParent(child, found);
  advance(o, 0, 2);

  const need = locators.reduce((a, l) => a + l.space, 0);
  let at: number | undefined;
  let grownBy = 0;
  if (need > 0) {
    at = await findFreeSpace(found, need);
    if (at === undefined) {
      // After the last block: the footer moves first, so the file always ends with one.
      at = roundUpToSector(found.footerPos);
      const end = at + need;
      await child.write(encodeFooter(found.footer), end);
      grownBy = end + FOOTER_SIZE - found.fileSize;
    }
    await child.write(locatorBlob(locators, need), at);
  }
  if (grownBy === 0) await restoreTrailingFooter(child, found);
  await child.sync();
  advance(o, 1, 2);
  await child.write(
    encodeDynamicHeader(rebasedHeader(header, parent, locators, at)),
    found.footer.dataOffset,
  );
  await child.sync();
  advance(o, 2, 2);
  return { previous, uniqueIdChanged, locatorDataOffset: at, grownBy };
}

/**
 * Writes the trailing footer again when its bytes are not the footer in use: after a cut that
 * left the end of the file as zeros (read through the copy at 0), so the rebased image opens
 * strictly again.
 */
async function restoreTrailingFooter(
  child: RandomAccessFile,
  found: SparseStructure,
): Promise<void> {
  const footer = encodeFooter(found.footer);
  const trailing = new Uint8Array(FOOTER_SIZE);
  const n = await child.read(trailing, found.footerPos);
  if (n === FOOTER_SIZE && trailing.every((b, i) => b === footer[i])) return;
  await child.write(footer, found.footerPos);
}

/** The header after the rebase: new parent facts, locators at `at` onward. */
function rebasedHeader(
  header: DynamicHeader,
  parent: RebaseParent,
  locators: readonly LocatorData[],
  at: number | undefined,
): DynamicHeader {
  const parentLocators = header.parentLocators.map(() => emptyLocatorEntry());
  let offset = at ?? 0;
  locators.forEach((l, i) => {
    parentLocators[i] = {
      platformCode: l.code,
      platformDataSpace: l.space,
      platformDataLength: l.data.length,
      reserved: 0,
      platformDataOffset: offset,
    };
    offset += l.space;
  });
  return {
    ...header,
    parentUniqueId: Uint8Array.from(parent.footer.uniqueId),
    parentTimestamp: vhdTimestamp(parent.modified),
    parentUnicodeName: parent.unicodeName,
    parentUnicodeNameBytes: new Uint8Array(PARENT_NAME_SIZE),
    parentLocators,
  };
}

/** The locators' data laid end to end, each in its space. */
function locatorBlob(locators: readonly LocatorData[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const l of locators) {
    out.set(l.data, at);
    at += l.space;
  }
  return out;
}

/**
 * The first sector-aligned hole of `need` bytes that nothing the child uses covers, below the
 * trailing footer: between the metadata and the run of blocks (taken as one range, from its
 * first byte to its last). Undefined when none.
 */
async function findFreeSpace(found: SparseStructure, need: number): Promise<number | undefined> {
  const stride = blockStride(found.header.blockSize);
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  await found.table.forEachAllocated((_, sector) => {
    first = Math.min(first, sector * SECTOR_SIZE);
    last = Math.max(last, sector * SECTOR_SIZE + stride);
  });
  const used = metadataRanges(found);
  if (last > 0) used.push([first, last]);
  used.sort((a, b) => a[0] - b[0]);
  return firstHole(used, need, found.footerPos);
}

/** The parent as the child records it now, locators decoded where they can be read. */
async function recordedParent(
  child: RandomAccessFile,
  found: SparseStructure,
): Promise<RecordedParent> {
  const locators: RecordedParent['locators'] = [];
  for (const i of found.parent?.readableLocators ?? []) {
    const entry = found.header.parentLocators[i]!;
    const data = new Uint8Array(entry.platformDataLength);
    const n = await child.read(data, entry.platformDataOffset);
    locators.push({
      platform: platformName(entry.platformCode),
      path: decodeLocatorPath(entry.platformCode, data.subarray(0, n)),
    });
  }
  return {
    uniqueId: Uint8Array.from(found.header.parentUniqueId),
    timestamp: found.header.parentTimestamp,
    unicodeName: found.parent?.unicodeName ?? found.header.parentUnicodeName,
    locators,
  };
}
