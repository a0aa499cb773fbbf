/**
 * The VHD checksum: the one's complement of the sum of every byte, with the checksum field
 * itself counted as zero. Footers and dynamic headers use the same rule.
 * @module
 */

/** Checksum of `bytes`, skipping the four bytes at `checksumOffset`. */
export function vhdChecksum(bytes: Uint8Array, checksumOffset: number): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (i >= checksumOffset && i < checksumOffset + 4) continue;
    sum += bytes[i]!;
  }
  return ~sum >>> 0;
}
