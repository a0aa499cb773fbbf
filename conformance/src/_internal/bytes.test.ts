import { describe, expect, it } from 'vitest';
import { firstDifference } from './bytes.js';

describe('firstDifference', () => {
  it('finds the first differing byte, in a word or in the tail', () => {
    const a = new Uint8Array(4099);
    for (const at of [0, 3, 4, 2048, 4095, 4096, 4098]) {
      const b = new Uint8Array(4099);
      b[at] = 1;
      b[4098] = 2;
      expect(firstDifference(a, b)).toBe(at);
    }
  });

  it('answers -1 for equal bytes and compares unaligned views byte by byte', () => {
    const a = Uint8Array.from({ length: 100 }, (_, i) => i);
    expect(firstDifference(a, a.slice())).toBe(-1);
    const shifted = new Uint8Array(101);
    shifted.set(a, 1);
    expect(firstDifference(a, shifted.subarray(1))).toBe(-1);
    shifted[51] = 0;
    expect(firstDifference(a, shifted.subarray(1))).toBe(50);
  });

  it('counts bytes past the end of the shorter second array as different', () => {
    expect(firstDifference(new Uint8Array(8), new Uint8Array(5))).toBe(5);
  });
});
