/**
 * Byte comparisons for the suite's checks of what a chain reads: the first byte where two
 * arrays differ, found a 4-byte word at a time where the arrays allow it.
 * @module
 */

/**
 * The index of the first byte where `a` and `b` differ over `a`'s length (`b` read as
 * `undefined` past its end, as a plain index would), or -1 when they agree.
 */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = a.length;
  let i = 0;
  if (b.length >= n && a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = n >>> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    let w = 0;
    while (w < words && wa[w] === wb[w]) w++;
    i = w * 4;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}
