import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from './sparse-content.js';
import { isZeroPiece } from './zero-piece.js';

describe('isZeroPiece', () => {
  it('isZeroPiece finds a single non-zero byte anywhere, at any offset into its buffer', () => {
    fc.assert(
      fc.property(
        fc.nat(2 * CHUNK_BYTES + 7),
        fc.nat(9),
        fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }))),
        (length, skip, marked) => {
          const backing = new Uint8Array(skip + length);
          const piece = backing.subarray(skip);
          if (marked !== null && length > 0) piece[marked[0] % length] = marked[1];
          expect(isZeroPiece(piece)).toBe(piece.every((byte) => byte === 0));
        },
      ),
    );
  });

  it('isZeroPiece takes an empty piece for zeros', () => {
    expect(isZeroPiece(new Uint8Array(0))).toBe(true);
  });
});
