/** The piece size the digest works in: equal to the emulated host's storage chunk. */
export const DIGEST_PIECE_BYTES = 64 * 1024;

/** An incremental SHA-256 hash, the shape of `createHash('sha256')` from `node:crypto`. */
export interface Sha256 {
  /** Adds bytes to the hash. */
  update(data: Uint8Array): unknown;
  /** The hash of every byte added, in lower-case hexadecimal. */
  digest(encoding: 'hex'): string;
}

/** The bytes of an ASCII string. */
function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/**
 * Whether every byte of `bytes` is zero. The aligned middle is read as 32-bit words, four OR-ed
 * per test: plain numbers, so the scan allocates nothing even before V8 optimises it (a 64-bit
 * `BigUint64Array` scan makes a BigInt per word until then).
 */
export function isAllZero(bytes: Uint8Array): boolean {
  const length = bytes.length;
  let i = 0;
  if ((bytes.byteOffset & 3) === 0) {
    const words = length >>> 2;
    const view = new Int32Array(bytes.buffer, bytes.byteOffset, words);
    const unrolled = words - (words & 3);
    let w = 0;
    for (; w < unrolled; w += 4) {
      if ((view[w]! | view[w + 1]! | view[w + 2]! | view[w + 3]!) !== 0) return false;
    }
    for (; w < words; w++) if (view[w] !== 0) return false;
    i = words << 2;
  }
  for (; i < length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Hashes a file's content given as its size and its non-zero pieces of {@link DIGEST_PIECE_BYTES}
 * (in increasing index order; all-zero or missing pieces are skipped, so zero runs cost nothing).
 * Equal bytes give equal digests however they are stored: a sparse emulated file and a real file
 * read piece by piece agree. The host passes its SHA-256 (`() => createHash('sha256')` on Node.js),
 * so this package needs no platform module.
 *
 * @example
 * ```ts
 * import { createHash } from 'node:crypto';
 * contentDigest(3, [[0, new Uint8Array([1, 2, 3])]], () => createHash('sha256')); // 'sha256:...'
 * ```
 */
export function contentDigest(
  size: number,
  pieces: Iterable<readonly [index: number, bytes: Uint8Array]>,
  sha256: () => Sha256,
): string {
  const hash = sha256();
  hash.update(ascii(`size:${size};`));
  const header = new DataView(new ArrayBuffer(8));
  for (const [index, bytes] of pieces) {
    if (isAllZero(bytes)) continue;
    header.setFloat64(0, index);
    hash.update(new Uint8Array(header.buffer));
    hash.update(bytes);
  }
  return `sha256:${hash.digest('hex')}`;
}
