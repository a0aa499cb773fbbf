import { isAllZero as builtInTest } from '@vskit/vhd-format';
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
    expect(isAllZero(backing, 1, 9)).toBe(true);
    expect(isAllZero(backing, 0, 9)).toBe(false);
    expect(isAllZero(backing, 1, 10)).toBe(false);
  });

  it("answers as vhd-format's isAllZero over ranges of pieces up to 200 KiB, -0.0 bytes and last bytes included", () => {
    const size = 200 * 1024;
    const backing = new Uint8Array(size + 8);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.nat({ max: size }),
        fc.nat({ max: size }),
        fc.constantFrom('none', 'negative zero', 'last byte', 'anywhere'),
        fc.nat(),
        (skew, a, b, kind, where) => {
          backing.fill(0);
          const bytes = backing.subarray(skew, skew + size);
          const [start, end] = a <= b ? [a, b] : [b, a];
          if (kind === 'negative zero') bytes[Math.min(size - 1, (where % size) | 7)] = 0x80;
          if (kind === 'last byte' && end > 0) bytes[end - 1] = 1;
          if (kind === 'anywhere') bytes[where % size] = 1 + (where % 255);
          expect(isAllZero(bytes, start, end)).toBe(builtInTest(bytes, start, end));
        },
      ),
      { numRuns: 300 },
    );
  });
});
