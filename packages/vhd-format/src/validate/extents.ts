/**
 * Where an image's structures sit in its file, and the problems of structures that share bytes
 * or of blocks that fall outside the file or share bytes with each other or with the metadata.
 * @module
 */
import { BLOCK_UNUSED, FOOTER_SIZE, HEADER_SIZE, SECTOR_SIZE } from '../constants.js';
import { BAT_PAGE_ENTRIES } from '../engine/bat-page-cache.js';
import { type BlockTable, entryOf } from '../engine/block-table.js';
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
 * Most buckets of the overlap search held at once (two `Uint32Array`s of this length: 4 MiB).
 * A file with more block-sized stretches is searched in several passes over the table.
 */
export const OVERLAP_BUCKETS = 2 ** 19;

/**
 * Problems of the allocated blocks: entries whose block (bitmap + data, `stride` bytes) does
 * not end by `dataEnd` (`BAT_ENTRY_OUT_OF_RANGE`, in table order), blocks that share bytes with
 * another block (`OVERLAPPING_BLOCKS`, by position) or with a metadata extent (`OVERLAPPING_BLOCKS`,
 * one per extent). Stops after `limit` problems. `buckets` bounds the search's memory (tests
 * set it low to exercise several passes).
 *
 * The table is streamed, never held: blocks are dropped into buckets one stride wide by their
 * first sector, keeping the lowest and highest start of each bucket. Two starts in one bucket
 * are less than a stride apart, so their blocks overlap; blocks in buckets further apart than
 * neighbours cannot. A file longer than `buckets` strides takes one more pass over the table
 * per `buckets` strides.
 */
export async function blockProblems(
  table: BlockTable,
  stride: number,
  dataEnd: number,
  metadata: readonly Extent[],
  tableOffset: number,
  limit = 100,
  buckets = OVERLAP_BUCKETS,
): Promise<LayoutProblem[]> {
  const outOfRange: LayoutProblem[] = [];
  const pairs: LayoutProblem[] = [];
  const hits = new Map<Extent, LayoutProblem>();
  const strideSectors = stride / SECTOR_SIZE;
  // A block starting at sector s fits when s * 512 + stride <= dataEnd.
  const lastStart = Math.floor((dataEnd - stride) / SECTOR_SIZE);
  const totalBuckets = lastStart < 0 ? 0 : Math.floor(lastStart / strideSectors) + 1;
  const windowBuckets = Math.max(1, Math.min(totalBuckets, buckets));
  /** Blocks starting at sectors a <= b share bytes. */
  const pair = (a: number, b: number) => {
    if (pairs.length < limit) {
      pairs.push({
        code: 'OVERLAPPING_BLOCKS',
        message: `blocks at ${a * SECTOR_SIZE} and ${b * SECTOR_SIZE} share bytes (each is ${stride} bytes)`,
        offset: b * SECTOR_SIZE,
      });
    }
  };
  let prevStart = -1;
  let prevBucket = -2;
  for (let w0 = 0; w0 === 0 || w0 < totalBuckets; w0 += windowBuckets) {
    const first = w0 === 0;
    const lo = w0 * strideSectors;
    const hi = (w0 + windowBuckets) * strideSectors;
    // Start + 1 of the lowest and highest block in each bucket (0: none).
    const low = new Uint32Array(windowBuckets);
    const high = new Uint32Array(windowBuckets);
    let full = false;
    // Local bindings for the loop (an imported binding may be a getter under a test runner).
    const UNUSED = BLOCK_UNUSED;
    const PAGE = BAT_PAGE_ENTRIES;
    const decode = entryOf;
    await table.forEachChunk((firstIndex, words) => {
      const n = words.length;
      let k = 0;
      while (k < n) {
        if (k % PAGE === 0 && table.isEmptyPage((firstIndex + k) / PAGE)) {
          k += PAGE;
          continue;
        }
        const word = words[k]!;
        if (word === UNUSED) {
          k++;
          continue;
        }
        // A run of entries naming the same sector (a table of zeros is one long run).
        let end = k + 1;
        while (end < n && words[end] === word) end++;
        const s = decode(word);
        if (s > lastStart) {
          if (first) {
            for (let i = firstIndex + k; i < firstIndex + end; i++) {
              outOfRange.push({
                code: 'BAT_ENTRY_OUT_OF_RANGE',
                message: `BAT entry ${i} (sector ${s}) puts its block past the end of the data at ${dataEnd}`,
                field: `bat[${i}]`,
                offset: tableOffset + i * 4,
              });
              if (outOfRange.length >= limit) {
                full = true;
                return false;
              }
            }
          }
        } else if (s >= lo && s < hi) {
          const b = Math.floor((s - lo) / strideSectors);
          if (low[b] === 0) {
            low[b] = high[b] = s + 1;
          } else {
            const lowest = low[b]! - 1;
            const highest = high[b]! - 1;
            if (s >= highest) {
              pair(highest, s);
              high[b] = s + 1;
            } else if (s <= lowest) {
              pair(s, lowest);
              low[b] = s + 1;
            } else pair(lowest, s);
          }
          for (let i = k + 1; i < end && pairs.length < limit; i++) pair(s, s);
        }
        k = end;
      }
      return true;
    });
    if (full) return outOfRange;
    // Blocks in neighbouring buckets overlap when less than a stride apart.
    for (let b = 0; b < windowBuckets; b++) {
      if (low[b] === 0) continue;
      const start = low[b]! - 1;
      if (prevBucket === w0 + b - 1 && start - prevStart < strideSectors) pair(prevStart, start);
      prevStart = high[b]! - 1;
      prevBucket = w0 + b;
    }
    for (const m of metadata) {
      if (m.what === 'footer' || hits.has(m)) continue;
      // Blocks starting in [from, to) share bytes with m.
      const from = Math.max(lo, Math.floor((m.start - stride) / SECTOR_SIZE) + 1, 0);
      const to = Math.min(hi, Math.ceil(m.end / SECTOR_SIZE));
      for (
        let b = Math.floor((from - lo) / strideSectors);
        from < to && b * strideSectors + lo < to;
        b++
      ) {
        if (low[b] === 0) continue;
        const start = [low[b]! - 1, high[b]! - 1].find((s) => s >= from && s < to);
        if (start === undefined) continue;
        hits.set(m, {
          code: 'OVERLAPPING_BLOCKS',
          message: `block at ${start * SECTOR_SIZE} overlaps the ${m.what} at ${m.start}..${m.end}`,
          offset: start * SECTOR_SIZE,
        });
        break;
      }
    }
  }
  pairs.sort((a, b) => a.offset! - b.offset!);
  const overlapsMetadata = metadata.flatMap((m) => hits.get(m) ?? []);
  return [...outOfRange, ...pairs, ...overlapsMetadata].slice(0, limit);
}
