/**
 * Allocating a new block at the end of a dynamic or differencing image, in an order that keeps
 * every sector old or new after a power cut at any point: nothing points at the new block until
 * its BAT entry, written last in one sector.
 * @module
 */
import { BLOCK_UNUSED, SECTOR_SIZE } from '../constants.js';
import { VhdFormatError } from '../errors.js';
import type { RandomAccessFile } from '../io.js';
import type { BitmapCache } from './bitmap-cache.js';
import type { BlockTable } from './block-table.js';

/**
 * Largest first write into a new block that goes out in one write with the block's bitmap
 * (copying more costs more than the extra write saves).
 */
export const COMBINED_WRITE_MAX = 64 * 1024;

/** Where the data of an image ends: the trailing footer's position, which allocation moves. */
export interface DataEnd {
  /** Where the trailing footer starts: the end of the data, where the next block goes. */
  footerPos: number;
}

/** What allocation writes to and updates. */
export interface AllocationTarget {
  readonly file: RandomAccessFile;
  readonly table: BlockTable;
  readonly bitmaps: BitmapCache;
  /** The encoded footer, written at each new end of file. */
  readonly footerBytes: Uint8Array;
  /** Bytes of a block with its bitmap. */
  readonly stride: number;
  /** Whether new bitmaps are all set (a dynamic disk) rather than all clear (differencing). */
  readonly bitmapsSet: boolean;
  /** The end of the data, moved by each allocation. */
  readonly end: DataEnd;
}

/**
 * Allocates block `index` where the footer was, and returns the new block's sector. In this
 * order: the footer at the new end of file (the file grows, and the block's bytes read as
 * zeros), the bitmap over the old footer (all set for a dynamic disk, whose unwritten sectors
 * are zeros; all clear for a differencing disk), `data` (if given) at `dataOffset` in the block,
 * and last the BAT entry (4 bytes: one sector, all or nothing).
 *
 * A power cut before the entry is durable leaves the block unreferenced: every sector reads its
 * old bytes. A cut after the file grew and before the next sync can leave the new end of the
 * file as zeros, the trailing footer lost: a lenient open reads the image through the footer
 * copy at offset 0, and the next allocation writes a trailing footer again (the package README,
 * "Power cuts", has the whole order and the model it holds under).
 *
 * No truncate is needed: the trailing footer is always found in the last 512 (or 511) bytes
 * of the file, so nothing lies past it that the new block could take in. A small `data` at
 * the start of the block goes out in the same write as the bitmap.
 */
export async function allocateBlock(
  t: AllocationTarget,
  index: number,
  data?: Uint8Array,
  dataOffset = 0,
): Promise<number> {
  const bitmapBytes = t.bitmaps.bitmapBytes;
  const position = Math.ceil(t.end.footerPos / SECTOR_SIZE) * SECTOR_SIZE;
  const sector = position / SECTOR_SIZE;
  if (sector >= BLOCK_UNUSED) {
    throw new VhdFormatError('OUT_OF_RANGE', 'the file is too large for another block', {
      offset: position,
    });
  }
  const newEnd = position + t.stride;
  await t.file.write(t.footerBytes, newEnd);
  t.end.footerPos = newEnd;
  const combine = data !== undefined && dataOffset === 0 && data.length <= COMBINED_WRITE_MAX;
  const head = new Uint8Array(bitmapBytes + (combine ? data.length : 0));
  const bitmap = head.subarray(0, bitmapBytes);
  if (t.bitmapsSet) bitmap.fill(0xff);
  if (combine) head.set(data, bitmapBytes);
  await t.file.write(head, position);
  if (data !== undefined && !combine) {
    await t.file.write(data, position + bitmapBytes + dataOffset);
  }
  await t.table.set(index, sector);
  t.bitmaps.put(index, combine ? bitmap.slice() : bitmap);
  return sector;
}
