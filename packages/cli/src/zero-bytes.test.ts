import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAllZero } from './zero-bytes.js';

describe('isAllZero', () => {
  it('is true for zeros of any length and alignment, false for one non-zero byte anywhere', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 7 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (length, skew, where, value) => {
          const backing = new Uint8Array(length + 8);
          const bytes = backing.subarray(skew, skew + length);
          expect(isAllZero(bytes)).toBe(true);
          if (length === 0) return;
          bytes[where % length] = value;
          expect(isAllZero(bytes)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('does not look outside the view it is given', () => {
    const backing = Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    expect(isAllZero(backing.subarray(1, 9))).toBe(true);
  });
});
