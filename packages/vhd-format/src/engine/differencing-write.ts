/**
 * Writing into an allocated block of a differencing layer: the data first, a partly written
 * sector that is not in the layer yet completed from the layers below, and the changed sectors
 * of the bitmap last, one sector per write, so a power cut at any point leaves every sector old
 * or new (see the package README, "Power cuts").
 * @module
 */
import { SECTOR_SIZE } from '../constants.js';
import type { RandomAccessFile } from '../io.js';
import { isSectorSet, setSectors } from '../structs/sector-bitmap.js';
import type { BitmapCache } from './bitmap-cache.js';
import type { LowerReader } from './lower-reader.js';

/** Where a differencing write goes: the layer's file and its bitmap cache. */
export interface DifferencingTarget {
  readonly file: RandomAccessFile;
  readonly bitmaps: BitmapCache;
}

/** A piece of a write that lies inside one allocated block. */
export interface BlockWrite {
  /** The block's index. */
  readonly block: number;
  /** The block's BAT entry (sector of its bitmap). */
  readonly entry: number;
  /** Virtual offset of the block's first byte. */
  readonly blockStart: number;
  /** Virtual offset of `bytes`. */
  readonly pos: number;
  /** The bytes, all inside the block. */
  readonly bytes: Uint8Array;
}

/**
 * Writes `w` into its block of a differencing layer. A partly written sector whose bit is clear
 * is first filled from `lower` (the layers below) and written whole; whole sectors go straight
 * to the file; then the bits of the written sectors are set and the bitmap sectors that changed
 * are written, last, one sector per write. A failed bitmap write drops the cached bitmap (it may
 * no longer match the file).
 */
export async function writeDifferencing(
  t: DifferencingTarget,
  w: BlockWrite,
  lower: LowerReader | undefined,
): Promise<void> {
  const { block, entry, blockStart, pos, bytes: piece } = w;
  const bitmap = await t.bitmaps.get(block, entry);
  const dataPos = entry * SECTOR_SIZE + t.bitmaps.bitmapBytes;
  const pieceEnd = pos + piece.length;
  const s0 = Math.floor((pos - blockStart) / SECTOR_SIZE);
  const s1 = Math.ceil((pieceEnd - blockStart) / SECTOR_SIZE);
  let directStart = pos;
  let directEnd = pieceEnd;
  // A partly written sector that is not here yet starts from the lower layers' bytes.
  const merge = async (sector: number) => {
    const sectorStart = blockStart + sector * SECTOR_SIZE;
    const sectorBytes = new Uint8Array(SECTOR_SIZE);
    if (lower) await lower(sectorBytes, sectorStart);
    const a = Math.max(pos, sectorStart);
    const b = Math.min(pieceEnd, sectorStart + SECTOR_SIZE);
    sectorBytes.set(piece.subarray(a - pos, b - pos), a - sectorStart);
    await t.file.write(sectorBytes, dataPos + sector * SECTOR_SIZE);
  };
  const firstStart = blockStart + s0 * SECTOR_SIZE;
  if ((pos !== firstStart || pieceEnd < firstStart + SECTOR_SIZE) && !isSectorSet(bitmap, s0)) {
    await merge(s0);
    directStart = Math.min(pieceEnd, firstStart + SECTOR_SIZE);
  }
  const lastStart = blockStart + (s1 - 1) * SECTOR_SIZE;
  if (s1 - 1 > s0 && pieceEnd !== lastStart + SECTOR_SIZE && !isSectorSet(bitmap, s1 - 1)) {
    await merge(s1 - 1);
    directEnd = lastStart;
  }
  if (directEnd > directStart) {
    await t.file.write(
      piece.subarray(directStart - pos, directEnd - pos),
      dataPos + (directStart - blockStart),
    );
  }
  await setBits(t, block, entry, bitmap, s0, s1);
}

/**
 * Sets the bits of sectors `[s0, s1)` in `bitmap` (block `block`'s, cached) and writes the
 * bitmap sectors whose bytes changed, one sector per write: a write of one sector reaches the
 * disk whole or not at all, so a power cut can never leave a bit set whose data was lost with
 * the rest of an unsynced write. Nothing is written when every bit was set already.
 */
async function setBits(
  t: DifferencingTarget,
  block: number,
  entry: number,
  bitmap: Uint8Array,
  s0: number,
  s1: number,
): Promise<void> {
  const firstByte = s0 >>> 3;
  const lastByte = (s1 - 1) >>> 3;
  let changed = false;
  for (let i = firstByte; i <= lastByte && !changed; i++) {
    if (bitmap[i] !== 0xff) changed = true;
  }
  if (!changed) return;
  const before = bitmap.slice(firstByte, lastByte + 1);
  setSectors(bitmap, s0, s1 - s0);
  try {
    for (
      let from = Math.floor(firstByte / SECTOR_SIZE) * SECTOR_SIZE;
      from <= lastByte;
      from += SECTOR_SIZE
    ) {
      let differs = false;
      for (let i = Math.max(from, firstByte); i < Math.min(from + SECTOR_SIZE, lastByte + 1); i++) {
        if (bitmap[i] !== before[i - firstByte]) differs = true;
      }
      if (differs) {
        await t.file.write(bitmap.subarray(from, from + SECTOR_SIZE), entry * SECTOR_SIZE + from);
      }
    }
  } catch (e) {
    t.bitmaps.delete(block);
    throw e;
  }
}
