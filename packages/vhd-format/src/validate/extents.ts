/**
 * Where an image's structures sit in its file, and the problems of structures that share bytes
 * or of blocks that fall outside the file or share bytes with each other or with the metadata.
 * @module
 */
import { BLOCK_UNUSED, FOOTER_SIZE, HEADER_SIZE, SECTOR_SIZE } from '../constants.js';
import type { VhdFormatErrorCode } from '../errors.js';
import type { DynamicHeader } from '../structs/dynamic-header.js';

/** A byte range `[start, end)` of the file holding one structure. */
export interface Extent {
  /** First byte. */
  start: number;
  /** One past the last byte. */
  end: number;
  /** What lives there, for messages. */
  what: string;
  /** The field that places it there, if a field does. */
  field?: string;
}

/** A layout problem: a code, a message and where. */
export interface LayoutProblem {
  /** Stable code. */
  code: VhdFormatErrorCode;
  /** What is wrong. */
  message: string;
  /** The field concerned. */
  field?: string;
  /** Byte offset in the file. */
  offset?: number;
}

/** The metadata extents of a dynamic or differencing image whose trailing footer starts at `footerPos`. */
export function metadataExtents(
  dataOffset: number,
  header: DynamicHeader,
  footerPos: number,
  fileSize: number,
  isDifferencing: boolean,
): Extent[] {
  const out: Extent[] = [
    { start: 0, end: FOOTER_SIZE, what: 'footer copy' },
    {
      start: dataOffset,
      end: dataOffset + HEADER_SIZE,
      what: 'header',
      field: 'footer.dataOffset',
    },
    {
      start: header.tableOffset,
      end: header.tableOffset + header.maxTableEntries * 4,
      what: 'BAT',
      field: 'header.tableOffset',
    },
    { start: footerPos, end: Math.max(fileSize, footerPos + 1), what: 'footer' },
  ];
  if (isDifferencing) {
    header.parentLocators.forEach((l, i) => {
      if (l.platformCode !== 0 && l.platformDataLength > 0) {
        out.push({
          start: l.platformDataOffset,
          end: l.platformDataOffset + l.platformDataLength,
          what: `parent locator ${i} data`,
          field: `header.parentLocators[${i}]`,
        });
      }
    });
  }
  return out;
}

/**
 * Metadata extents that share bytes (`OVERLAPPING_METADATA`; the trailing footer included:
 * blocks are written where it is). A write could then damage a structure: a BAT entry landing in
 * the header, a new block over locator data. The field names the structure to blame: the BAT's
 * offset when the BAT is one of the two, else the locator's, else the header's.
 */
export function metadataProblems(extents: readonly Extent[]): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  for (let i = 0; i < extents.length; i++) {
    for (let j = i + 1; j < extents.length; j++) {
      const a = extents[i]!;
      const b = extents[j]!;
      if (a.end <= a.start || b.end <= b.start || a.start >= b.end || b.start >= a.end) continue;
      const blamed =
        [a, b].find((e) => e.what === 'BAT') ??
        [a, b].find((e) => e.what.startsWith('parent locator')) ??
        [a, b].find((e) => e.field !== undefined);
      const problem: LayoutProblem = {
        code: 'OVERLAPPING_METADATA',
        message: `the ${a.what} and the ${b.what} share bytes`,
        offset: Math.max(a.start, b.start),
      };
      if (blamed?.field !== undefined) problem.field = blamed.field;
      problems.push(problem);
    }
  }
  return problems;
}

/**
 * Problems of the allocated blocks: entries whose block (bitmap + data, `stride` bytes) does
 * not end by `dataEnd` (`BAT_ENTRY_OUT_OF_RANGE`), blocks that share bytes with another block
 * or with a metadata extent (`OVERLAPPING_BLOCKS`). Stops after `limit` problems.
 */
export function blockProblems(
  bat: Uint32Array,
  stride: number,
  dataEnd: number,
  metadata: readonly Extent[],
  tableOffset: number,
  limit = 100,
): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  // Typed and sized by the BAT (itself bounded by MAX_TABLE_ENTRIES): no growing JS array.
  const starts = new Float64Array(bat.length);
  let count = 0;
  for (let i = 0; i < bat.length && problems.length < limit; i++) {
    const entry = bat[i]!;
    if (entry === BLOCK_UNUSED) continue;
    const start = entry * SECTOR_SIZE;
    if (start + stride > dataEnd) {
      problems.push({
        code: 'BAT_ENTRY_OUT_OF_RANGE',
        message: `BAT entry ${i} (sector ${entry}) puts its block past the end of the data at ${dataEnd}`,
        field: `bat[${i}]`,
        offset: tableOffset + i * 4,
      });
      continue;
    }
    starts[count++] = start;
  }
  const sorted = starts.subarray(0, count);
  // Blocks are usually in allocation order already; sort only when they are not.
  let ascending = true;
  for (let i = 1; i < sorted.length && ascending; i++) ascending = sorted[i - 1]! <= sorted[i]!;
  if (!ascending) sorted.sort();
  for (let i = 1; i < sorted.length && problems.length < limit; i++) {
    if (sorted[i]! < sorted[i - 1]! + stride) {
      problems.push({
        code: 'OVERLAPPING_BLOCKS',
        message: `blocks at ${sorted[i - 1]} and ${sorted[i]} share bytes (each is ${stride} bytes)`,
        offset: sorted[i],
      });
    }
  }
  for (const m of metadata) {
    if (problems.length >= limit) break;
    if (m.what === 'footer') continue;
    // First block whose end is after m.start.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! + stride <= m.start) lo = mid + 1;
      else hi = mid;
    }
    if (lo < sorted.length && sorted[lo]! < m.end) {
      problems.push({
        code: 'OVERLAPPING_BLOCKS',
        message: `block at ${sorted[lo]} overlaps the ${m.what} at ${m.start}..${m.end}`,
        offset: sorted[lo],
      });
    }
  }
  return problems;
}
