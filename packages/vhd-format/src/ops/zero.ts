/**
 * Finding all-zero bytes fast: what a copy may skip (a hole in a raw or fixed file, an
 * unallocated block in a dynamic one). The rule is one: a range is all zero when each of its
 * bytes is 0 ({@link isAllZero}); a copy may take a faster test of the same rule
 * ({@link ZeroTest}).
 * @module
 */

/** Bytes a word of the scan covers. */
const WORD = 4;

/**
 * A test of whether `bytes[start, end)` are all zero, as {@link isAllZero} answers it, that a
 * copy uses in its place: a platform may offer a faster one (in Node.js, `Buffer.compare`
 * against zeros runs on the C library's `memcmp`). Each answer must be {@link isAllZero}'s:
 * a wrong "zero" drops data, a wrong "not zero" stores zeros.
 */
export type ZeroTest = (bytes: Uint8Array, start: number, end: number) => boolean;

/** The option of the copies that leave all-zero data out (`convertDisk`, `writeDynamicFromStream`). */
export interface ZeroTestOption {
  /**
   * Replaces the built-in scan ({@link isAllZero}) where the copy looks for all-zero data; it
   * must give the same answers (see {@link ZeroTest}). The CLI passes one on Node's `memcmp`.
   */
  isAllZero?: ZeroTest;
}

/**
 * Whether `bytes[start, end)` are all zero. Reads four bytes at a time where the range is
 * aligned (it is, for the sector-aligned ranges a copy asks about), eight words OR-ed per test,
 * and stops at the first word that is not zero. 32-bit integer words: exact for every bit
 * pattern (a floating-point view would take -0 for 0), and never a BigInt (a 64-bit integer
 * view allocates one per word whenever V8 runs the scan unoptimised).
 */
export function isAllZero(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  let i = start;
  while (i < end && (bytes.byteOffset + i) % WORD !== 0) if (bytes[i++] !== 0) return false;
  const words = Math.floor((end - i) / WORD);
  if (words > 0) {
    const w = new Int32Array(bytes.buffer, bytes.byteOffset + i, words);
    if (!zeroWords(w, 0, words)) return false;
    i += words * WORD;
  }
  for (; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Whether words `[from, to)` of `w` are all zero. */
function zeroWords(w: Int32Array, from: number, to: number): boolean {
  let k = from;
  const unrolled = to - ((to - from) % 8);
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
  for (; k < to; k++) if (w[k] !== 0) return false;
  return true;
}

/**
 * {@link isAllZero} over pieces of `bytes`: one word view serves every piece when `bytes` and
 * `grain` are word-aligned.
 */
function piecesTest(bytes: Uint8Array, grain: number): ZeroTest {
  if (bytes.byteOffset % WORD !== 0 || grain % WORD !== 0) return isAllZero;
  const w = new Int32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / WORD));
  return (b, start, end) =>
    end % WORD === 0 ? zeroWords(w, start / WORD, end / WORD) : isAllZero(b, start, end);
}

/**
 * The runs of `bytes` holding a non-zero byte, found `grain` bytes at a time (the last piece may
 * be shorter), adjacent pieces joined: `[start, end, start, end, ...]`. `test` decides whether a
 * piece is all zero (default {@link isAllZero}). All-zero `bytes` cost one test, not one a piece;
 * word-aligned `bytes` whose pieces each start with a non-zero word cost none.
 */
export function dataRuns(bytes: Uint8Array, grain: number, test?: ZeroTest): number[] {
  const n = bytes.length;
  const zero = test ?? piecesTest(bytes, grain);
  const runs: number[] = [];
  // A piece whose first word is not zero holds data, whatever the test: looking at that word
  // before calling the test makes a piece of dense data cost one read of memory and no call
  // (which counts while V8 still interprets this loop: a whole run of a raw export), and
  // `bytes` starting with data skips the test of the whole.
  const words =
    bytes.byteOffset % WORD === 0 && grain % WORD === 0
      ? new Int32Array(bytes.buffer, bytes.byteOffset, Math.floor(n / WORD))
      : undefined;
  const startsWithData = words !== undefined && n >= WORD && words[0] !== 0;
  if (!startsWithData && zero(bytes, 0, n)) return runs;
  let run = -1;
  for (let at = 0; at < n; at += grain) {
    const dense = words !== undefined && at + WORD <= n && words[at / WORD] !== 0;
    const allZero = !dense && zero(bytes, at, Math.min(n, at + grain));
    if (!allZero && run < 0) run = at;
    if (allZero && run >= 0) {
      runs.push(run, at);
      run = -1;
    }
  }
  if (run >= 0) runs.push(run, n);
  return runs;
}
