/**
 * Finding all-zero bytes fast: what a copy may skip (a hole in a raw or fixed file, an
 * unallocated block in a dynamic one).
 * @module
 */

/** Bytes a word of the scan covers. */
const WORD = 8;

/**
 * Whether `bytes[start, end)` are all zero. Reads eight bytes at a time where the range is
 * aligned (it is, for the sector-aligned ranges a copy asks about), four words OR-ed per test,
 * and stops at the first word that is not zero.
 */
export function isAllZero(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  let i = start;
  while (i < end && (bytes.byteOffset + i) % WORD !== 0) if (bytes[i++] !== 0) return false;
  const words = Math.floor((end - i) / WORD);
  if (words > 0) {
    // 64-bit integer words: exact for every bit pattern, and compiled without BigInt objects.
    const w = new BigUint64Array(bytes.buffer, bytes.byteOffset + i, words);
    let k = 0;
    const unrolled = words - (words % 4);
    for (; k < unrolled; k += 4) {
      if ((w[k]! | w[k + 1]! | w[k + 2]! | w[k + 3]!) !== 0n) return false;
    }
    for (; k < words; k++) if (w[k] !== 0n) return false;
    i += words * WORD;
  }
  for (; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}
