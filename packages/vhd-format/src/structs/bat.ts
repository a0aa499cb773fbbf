/**
 * The block allocation table: one big-endian uint32 per block, the sector offset of the
 * block's bitmap, or 0xFFFFFFFF ({@link BLOCK_UNUSED}) when the block is not allocated.
 * Stored padded with 0xFF bytes to a whole sector.
 * @module
 */
import { BLOCK_UNUSED, SECTOR_SIZE } from '../constants.js';
import { VhdFormatError } from '../errors.js';

/** Bytes the BAT occupies on disk for `entries` entries (rounded up to a sector). */
export function batByteSize(entries: number): number {
  return Math.ceil((entries * 4) / SECTOR_SIZE) * SECTOR_SIZE;
}

/** Decodes `entries` big-endian entries from `bytes`. */
export function decodeBat(bytes: Uint8Array, entries: number): Uint32Array {
  if (bytes.length < entries * 4) {
    throw new VhdFormatError('TRUNCATED', `BAT of ${entries} entries needs ${entries * 4} bytes`, {
      field: 'bat',
      value: bytes.length,
    });
  }
  const out = new Uint32Array(entries);
  for (let i = 0, p = 0; i < entries; i++, p += 4) {
    out[i] =
      ((bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!) >>> 0;
  }
  return out;
}

/** Encodes entries big-endian, padded with 0xFF bytes to a whole sector. */
export function encodeBat(entries: Uint32Array): Uint8Array {
  const out = new Uint8Array(batByteSize(entries.length)).fill(0xff);
  encodeBatEntries(entries, 0, entries.length, out, 0);
  return out;
}

/** Writes entries `[first, first + count)` big-endian into `out` at `offset`. */
export function encodeBatEntries(
  entries: Uint32Array,
  first: number,
  count: number,
  out: Uint8Array,
  offset: number,
): void {
  for (let i = 0, p = offset; i < count; i++, p += 4) {
    const v = entries[first + i]!;
    out[p] = v >>> 24;
    out[p + 1] = (v >>> 16) & 0xff;
    out[p + 2] = (v >>> 8) & 0xff;
    out[p + 3] = v & 0xff;
  }
}

/** A BAT of `entries` unused entries. */
export function emptyBat(entries: number): Uint32Array {
  return new Uint32Array(entries).fill(BLOCK_UNUSED);
}
