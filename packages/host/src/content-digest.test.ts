import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentDigest, DIGEST_PIECE_BYTES, isAllZero } from './content-digest.js';

const sha256 = () => createHash('sha256');

describe('contentDigest', () => {
  it('skips all-zero pieces, so sparse and dense copies of the same bytes agree', () => {
    const data = new Uint8Array(DIGEST_PIECE_BYTES).fill(7);
    const dense = contentDigest(
      3 * DIGEST_PIECE_BYTES,
      [
        [0, new Uint8Array(DIGEST_PIECE_BYTES)],
        [1, data],
        [2, new Uint8Array(DIGEST_PIECE_BYTES)],
      ],
      sha256,
    );
    const sparse = contentDigest(3 * DIGEST_PIECE_BYTES, [[1, data]], sha256);
    expect(sparse).toBe(dense);
    expect(sparse).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('tells apart the same bytes at another piece index or in a file of another size', () => {
    const data = new Uint8Array([1, 2, 3]);
    const base = contentDigest(2 * DIGEST_PIECE_BYTES, [[0, data]], sha256);
    expect(contentDigest(2 * DIGEST_PIECE_BYTES, [[1, data]], sha256)).not.toBe(base);
    expect(contentDigest(3 * DIGEST_PIECE_BYTES, [[0, data]], sha256)).not.toBe(base);
  });
});

describe('isAllZero', () => {
  it('finds a non-zero byte at any offset, aligned or not', () => {
    const bytes = new Uint8Array(41);
    expect(isAllZero(bytes)).toBe(true);
    expect(isAllZero(bytes.subarray(3))).toBe(true);
    for (let at = 0; at < bytes.length; at++) {
      bytes.fill(0);
      bytes[at] = 1;
      expect(isAllZero(bytes)).toBe(false);
      expect(isAllZero(bytes.subarray(at === 0 ? 0 : 1))).toBe(false);
    }
  });

  it('sees a lone sign bit (a word that reads as -0 or a negative number is not zero)', () => {
    const bytes = new Uint8Array(64);
    bytes[63] = 0x80;
    expect(isAllZero(bytes)).toBe(false);
    bytes[63] = 0;
    bytes[3] = 0x80;
    expect(isAllZero(bytes)).toBe(false);
  });
});
