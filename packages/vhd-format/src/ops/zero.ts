/**
 * Finding all-zero bytes fast: what a copy may skip (a hole in a raw or fixed file, an
 * unallocated block in a dynamic one).
 * @module
 */

/**
 * Whether `bytes[start, end)` are all zero. Reads four bytes at a time where the range is
 * aligned (it is, for the sector-aligned ranges a copy asks about).
 */
export function isAllZero(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  let i = start;
  while (i < end && (bytes.byteOffset + i) % 4 !== 0) if (bytes[i++] !== 0) return false;
  const words = (end - i) >>> 2;
  if (words > 0) {
    const w = new Int32Array(bytes.buffer, bytes.byteOffset + i, words);
    let k = 0;
    const unrolled = words - (words % 8);
    for (; k < unrolled; k += 8) {
      if (
        (w[k]! |
          w[k + 1]! |
          w[k + 2]! |
          w[k + 3]! |
          w[k + 4]! |
          w[k + 5]! |
          w[k + 6]! |
          w[k + 7]!) !==
        0
      ) {
        return false;
      }
    }
    for (; k < words; k++) if (w[k] !== 0) return false;
    i += words * 4;
  }
  for (; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}
