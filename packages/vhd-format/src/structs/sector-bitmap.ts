/**
 * The sector bitmap that precedes each block's data: one bit per sector, most significant bit
 * first (sector i is `byte[i >> 3] & (0x80 >> (i & 7))`), padded to whole sectors. In a
 * differencing disk a set bit means "this sector is here", a clear bit "ask the parent".
 * @module
 */
import { SECTOR_SIZE } from '../constants.js';

/** Bytes of the bitmap of a block of `blockSize` bytes: one bit per sector, rounded up to a sector. */
export function bitmapByteSize(blockSize: number): number {
  const bits = Math.ceil(blockSize / SECTOR_SIZE);
  return Math.ceil(bits / 8 / SECTOR_SIZE) * SECTOR_SIZE;
}

/** Whether sector `i` of the block is marked. */
export function isSectorSet(bitmap: Uint8Array, i: number): boolean {
  return ((bitmap[i >>> 3] ?? 0) & (0x80 >>> (i & 7))) !== 0;
}

/** Marks sectors `[first, first + count)`. */
export function setSectors(bitmap: Uint8Array, first: number, count: number): void {
  let i = first;
  const end = first + count;
  while (i < end && (i & 7) !== 0) {
    bitmap[i >>> 3]! |= 0x80 >>> (i & 7);
    i++;
  }
  while (i + 8 <= end) {
    bitmap[i >>> 3] = 0xff;
    i += 8;
  }
  while (i < end) {
    bitmap[i >>> 3]! |= 0x80 >>> (i & 7);
    i++;
  }
}

/**
 * The first sector in `[start, end)` whose bit differs from sector `start`'s, or `end`:
 * the end of the run of equal bits that begins at `start`. Skips whole 0x00/0xFF bytes.
 */
export function runEnd(bitmap: Uint8Array, start: number, end: number): number {
  const set = isSectorSet(bitmap, start);
  const full = set ? 0xff : 0x00;
  let i = start + 1;
  while (i < end) {
    if ((i & 7) === 0 && i + 8 <= end && bitmap[i >>> 3] === full) {
      i += 8;
      continue;
    }
    if (isSectorSet(bitmap, i) !== set) return i;
    i++;
  }
  return end;
}

/** Whether sectors `[first, first + count)` are all marked. */
export function allSectorsSet(bitmap: Uint8Array, first: number, count: number): boolean {
  return (
    count === 0 ||
    (isSectorSet(bitmap, first) && runEnd(bitmap, first, first + count) === first + count)
  );
}
