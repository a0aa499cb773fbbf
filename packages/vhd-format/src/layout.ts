/**
 * Where things live in a VHD file, and the size formulas.
 *
 * Fixed disk:
 *
 * | Offset | Size | Content |
 * |---|---|---|
 * | 0 | currentSize | the disk's bytes |
 * | currentSize | 512 | footer |
 *
 * Dynamic and differencing disks, as we create them:
 *
 * | Offset | Size | Content |
 * |---|---|---|
 * | 0 | 512 | footer copy |
 * | 512 | 1024 | dynamic header |
 * | 1536 | ceil(entries x 4 / 512) x 512 | BAT, 0xFFFFFFFF = unused, padded with 0xFF |
 * | after the BAT | each a multiple of 512 | parent locator data (differencing: W2ku, then W2ru) |
 * | next sector | bitmap + blockSize, per allocated block | blocks in allocation order |
 * | EOF - 512 | 512 | footer |
 *
 * A block is its sector bitmap (`ceil(blockSize / 512 / 8)` rounded up to 512 bytes) followed by
 * `blockSize` data bytes; BAT entries step by `(bitmap + blockSize) / 512` sectors (4097 for
 * 2 MiB blocks). Sector `s` of the disk lives at
 * `(BAT[floor(s / spb)] + bitmapSectors + s % spb) x 512`, spb = blockSize / 512.
 * Allocating a block writes it where the footer was and the footer after it.
 * @module
 */
import { DEFAULT_BLOCK_SIZE, FOOTER_SIZE, HEADER_SIZE, SECTOR_SIZE } from './constants.js';
import { VhdFormatError } from './errors.js';
import { chsCapacity, geometryForSize, isMaxGeometry } from './geometry.js';
import { batByteSize } from './structs/bat.js';
import { bitmapByteSize } from './structs/sector-bitmap.js';

/** The kinds of VHD. */
export type DiskType = 'fixed' | 'dynamic' | 'differencing';

/** Offset of the dynamic header in images we create (the footer's data offset). */
export const HEADER_OFFSET = FOOTER_SIZE;
/** Offset of the BAT in images we create. */
export const TABLE_OFFSET = HEADER_OFFSET + HEADER_SIZE;

/** Rounds `n` up to a whole number of sectors. */
export function roundUpToSector(n: number): number {
  return Math.ceil(n / SECTOR_SIZE) * SECTOR_SIZE;
}

/** BAT entries needed for `sizeBytes` with `blockSize`: ceil(size / blockSize). */
export function batEntriesFor(sizeBytes: number, blockSize: number): number {
  return Math.ceil(sizeBytes / blockSize);
}

/**
 * The size the BAT must cover for a disk of `sizeBytes` with CHS `geometry`: the larger of
 * the two, because QEMU presents the CHS capacity of `vpc `, `vs  ` and `qemu` images and
 * refuses one whose BAT covers less (VHD.md pitfall 16). With the maximum geometry 65535/16/255
 * QEMU takes the current size, so the BAT covers `sizeBytes` alone (a small child of such a
 * parent keeps a small BAT).
 */
export function batCoverage(sizeBytes: number, geometry = geometryForSize(sizeBytes)): number {
  if (isMaxGeometry(geometry)) return sizeBytes;
  return Math.max(sizeBytes, chsCapacity(geometry));
}

/** Bytes one allocated block occupies: its bitmap plus its data. */
export function blockStride(blockSize: number): number {
  return bitmapByteSize(blockSize) + blockSize;
}

/** Bytes of locator data space for a path of `units` UTF-16 code units (a multiple of 512). */
export function locatorSpaceFor(units: number): number {
  return Math.max(SECTOR_SIZE, roundUpToSector(units * 2));
}

/**
 * Size of the file when every block is allocated (for host file-size limits): a fixed image
 * is its data plus the footer; a dynamic or differencing one is footer copy + header + BAT +
 * locator data + every block with its bitmap + footer.
 */
export function expandedFileSize(o: {
  type: DiskType;
  sizeBytes: number;
  blockSizeBytes?: number;
  locatorDataBytes?: number;
}): number {
  if (!Number.isSafeInteger(o.sizeBytes) || o.sizeBytes < 0) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'sizeBytes must be a safe non-negative integer', {
      field: 'sizeBytes',
      value: o.sizeBytes,
    });
  }
  if (o.type === 'fixed') return roundUpToSector(o.sizeBytes) + FOOTER_SIZE;
  const blockSize = o.blockSizeBytes ?? DEFAULT_BLOCK_SIZE;
  const entries = batEntriesFor(batCoverage(o.sizeBytes), blockSize);
  const blocks = batEntriesFor(o.sizeBytes, blockSize);
  return (
    TABLE_OFFSET +
    batByteSize(entries) +
    roundUpToSector(o.locatorDataBytes ?? 0) +
    blocks * blockStride(blockSize) +
    FOOTER_SIZE
  );
}
