import { createHash } from 'node:crypto';

/** The piece size the digest works in: equal to the emulated hosts' storage chunk. */
export const DIGEST_PIECE_BYTES = 64 * 1024;

/** Whether every byte of `bytes` is zero. */
export function isAllZero(bytes: Uint8Array): boolean {
  const length = bytes.length;
  let i = 0;
  if ((bytes.byteOffset & 7) === 0) {
    const words = length >>> 3;
    if (words > 0) {
      const view = new BigUint64Array(bytes.buffer, bytes.byteOffset, words);
      for (let w = 0; w < words; w++) if (view[w] !== 0n) return false;
      i = words << 3;
    }
  }
  for (; i < length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Hashes a file's content given as its size and its non-zero pieces of {@link DIGEST_PIECE_BYTES}
 * (in increasing index order; all-zero or missing pieces are skipped, so zero runs cost nothing).
 * Equal bytes give equal digests however they are stored: a sparse emulated file and a real file
 * read piece by piece agree.
 */
export function contentDigest(
  size: number,
  pieces: Iterable<readonly [index: number, bytes: Uint8Array]>,
): string {
  const hash = createHash('sha256');
  hash.update(`size:${size};`);
  const header = new DataView(new ArrayBuffer(8));
  for (const [index, bytes] of pieces) {
    if (isAllZero(bytes)) continue;
    header.setFloat64(0, index);
    hash.update(new Uint8Array(header.buffer));
    hash.update(bytes);
  }
  return `sha256:${hash.digest('hex')}`;
}
