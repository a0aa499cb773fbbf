import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAllZero } from './zero.js';

describe('isAllZero', () => {
  it('finds any non-zero byte in any range, aligned or not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 7 }),
        fc.nat(),
        fc.nat(),
        fc.option(fc.nat()),
        (length, shift, a, b, hit) => {
          const bytes = new Uint8Array(length + shift).subarray(shift);
          if (hit !== null && length > 0) bytes[hit % length] = 1 + (hit % 255);
          const start = length === 0 ? 0 : a % (length + 1);
          const end = start + (length === 0 ? 0 : b % (length - start + 1));
          const expected = bytes.subarray(start, end).every((x) => x === 0);
          expect(isAllZero(bytes, start, end)).toBe(expected);
        },
      ),
    );
  });
});
