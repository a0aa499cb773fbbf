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
    const w = new BigUint64Array(bytes.buffer, bytes.byteOffset + i, words);
    if (!zeroWords(w, 0, words)) return false;
    i += words * WORD;
  }
  for (; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Whether words `[from, to)` of `w` are all zero. 64-bit integer words: exact for every bit
 * pattern, and compiled without BigInt objects.
 */
function zeroWords(w: BigUint64Array, from: number, to: number): boolean {
  let k = from;
  const unrolled = to - ((to - from) % 4);
  for (; k < unrolled; k += 4) {
    if ((w[k]! | w[k + 1]! | w[k + 2]! | w[k + 3]!) !== 0n) return false;
  }
  for (; k < to; k++) if (w[k] !== 0n) return false;
  return true;
}

/**
 * The runs of `bytes` holding a non-zero byte, found `grain` bytes at a time (the last piece may
 * be shorter), adjacent pieces joined: `[start, end, start, end, ...]`. One word view serves
 * every piece when `bytes` and `grain` are word-aligned.
 */
export function dataRuns(bytes: Uint8Array, grain: number): number[] {
  const n = bytes.length;
  const aligned = bytes.byteOffset % WORD === 0 && grain % WORD === 0;
  const w = aligned
    ? new BigUint64Array(bytes.buffer, bytes.byteOffset, Math.floor(n / WORD))
    : undefined;
  const runs: number[] = [];
  let run = -1;
  for (let at = 0; at < n; at += grain) {
    const end = Math.min(n, at + grain);
    const zero =
      w === undefined || end % WORD !== 0
        ? isAllZero(bytes, at, end)
        : zeroWords(w, at / WORD, end / WORD);
    if (!zero && run < 0) run = at;
    if (zero && run >= 0) {
      runs.push(run, at);
      run = -1;
    }
  }
  if (run >= 0) runs.push(run, n);
  return runs;
}
