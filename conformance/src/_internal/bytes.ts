/**
 * Byte work of the suite's checks of what a chain reads: the first byte where two arrays differ
 * (one native comparison when they agree), and the repeating patterns the suite writes.
 * @module
 */
import { Buffer } from 'node:buffer';

/**
 * The index of the first byte where `a` and `b` differ over `a`'s length (`b` read as
 * `undefined` past its end, as a plain index would), or -1 when they agree.
 */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = a.length;
  if (
    b.length >= n &&
    Buffer.from(a.buffer, a.byteOffset, n).equals(Buffer.from(b.buffer, b.byteOffset, n))
  ) {
    return -1;
  }
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/**
 * `length` bytes where byte i is `byteAt(i % 256)`: the pattern's first 256 bytes are computed
 * and the rest copied from them (a pattern of `(fill + i * step) & 0xff` repeats every 256 bytes).
 */
export function repeating256(length: number, byteAt: (i: number) => number): Uint8Array {
  const bytes = new Uint8Array(length);
  const period = Math.min(256, length);
  for (let i = 0; i < period; i++) bytes[i] = byteAt(i);
  for (let filled = period; filled < length; filled *= 2) {
    bytes.copyWithin(filled, 0, Math.min(filled, length - filled));
  }
  return bytes;
}

/** Whether every byte of `bytes` is `value` (true for none). */
export function everyByteIs(bytes: Uint8Array, value: number): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== value) return false;
  return true;
}
