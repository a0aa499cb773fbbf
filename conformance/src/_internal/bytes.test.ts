import { describe, expect, it } from 'vitest';
import { everyByteIs, firstDifference, repeating256 } from './bytes.js';

describe('firstDifference', () => {
  it('finds the first differing byte', () => {
    const a = new Uint8Array(4099);
    for (const at of [0, 3, 4, 2048, 4095, 4096, 4098]) {
      const b = new Uint8Array(4099);
      b[at] = 1;
      b[4098] = 2;
      expect(firstDifference(a, b)).toBe(at);
    }
  });

  it('answers -1 for equal bytes, views at any offset included', () => {
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

describe('repeating256', () => {
  it('gives byteAt(i % 256) at every index, for any length', () => {
    for (const length of [0, 1, 255, 256, 257, 1000, 4096 + 17]) {
      const bytes = repeating256(length, (i) => (9 + i * 7) & 0xff || 1);
      expect(bytes.length).toBe(length);
      const want = Uint8Array.from({ length }, (_, i) => (9 + i * 7) & 0xff || 1);
      expect(firstDifference(bytes, want)).toBe(-1);
    }
  });
});

describe('everyByteIs', () => {
  it('is true only when every byte holds the value', () => {
    expect(everyByteIs(new Uint8Array(0), 0xff)).toBe(true);
    const bat = new Uint8Array(4096).fill(0xff);
    expect(everyByteIs(bat, 0xff)).toBe(true);
    bat[4095] = 0xfe;
    expect(everyByteIs(bat, 0xff)).toBe(false);
    expect(everyByteIs(new Uint8Array(10), 0)).toBe(true);
  });
});
