/**
 * Whether a piece of a disk is all zeros, on the C library's `memcmp`: the CLI's test, the
 * same rule as `@vskit/vhd-format`'s `isAllZero` (every byte is 0) and handed to its copies as
 * their `isAllZero` option. `Buffer.compare` against a buffer of zeros that stays in the CPU's
 * cache costs a few ms per 512 MiB of zeros, where a JavaScript word scan costs tens (data stops
 * both at its first non-zero byte).
 * @module
 */
import { Buffer } from 'node:buffer';

/** Zeros compared against, a piece at a time: small enough to stay in the CPU's cache. */
const ZEROS = Buffer.alloc(64 * 1024);

/** Whether every byte of `bytes[start, end)` is 0 (the whole view by default). */
export function isAllZero(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  if (end <= start) return true;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
  for (let at = 0; at < view.length; at += ZEROS.length) {
    const n = Math.min(ZEROS.length, view.length - at);
    if (view.compare(ZEROS, 0, n, at, at + n) !== 0) return false;
  }
  return true;
}
