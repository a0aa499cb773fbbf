import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataRuns, isAllZero } from './zero.js';

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

  it('takes the bytes of a -0.0 double for data, at any word of the range', () => {
    for (let at = 0; at < 64; at += 8) {
      const bytes = new Uint8Array(64);
      bytes[at + 7] = 0x80;
      expect(isAllZero(bytes)).toBe(false);
      expect(isAllZero(bytes, at, at + 8)).toBe(false);
      expect(isAllZero(bytes, at, at + 7)).toBe(true);
    }
  });
});

describe('dataRuns', () => {
  it('gives the same runs as checking each piece alone, aligned or not, any grain', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 7 }),
        fc.constantFrom(8, 16, 64, 24, 5, 512),
        fc.array(fc.nat(), { maxLength: 6 }),
        (length, shift, grain, hits) => {
          const bytes = new Uint8Array(length + shift).subarray(shift);
          for (const h of hits) if (length > 0) bytes[h % length] = 1 + (h % 255);
          const expected: number[] = [];
          for (let at = 0; at < length; at += grain) {
            const end = Math.min(length, at + grain);
            if (!bytes.subarray(at, end).every((x) => x === 0)) {
              if (expected[expected.length - 1] === at) expected[expected.length - 1] = end;
              else expected.push(at, end);
            }
          }
          expect(dataRuns(bytes, grain)).toEqual(expected);
          const everyByte = (b: Uint8Array, start: number, end: number) =>
            b.subarray(start, end).every((x) => x === 0);
          expect(dataRuns(bytes, grain, everyByte)).toEqual(expected);
        },
      ),
    );
  });

  it('asks its test nothing of data whose pieces each start with a non-zero word, once of zeros', () => {
    const asked: Array<[number, number]> = [];
    const counting = (b: Uint8Array, start: number, end: number) => {
      asked.push([start, end]);
      return b.subarray(start, end).every((x) => x === 0);
    };
    expect(dataRuns(new Uint8Array(4096).fill(7), 512, counting)).toEqual([0, 4096]);
    expect(asked).toEqual([]);
    expect(dataRuns(new Uint8Array(4096), 512, counting)).toEqual([]);
    expect(asked).toEqual([[0, 4096]]);
  });
});
