import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chsCapacity, geometryForSize } from './geometry.js';

describe('CHS geometry', () => {
  it('geometryForSize follows the spec appendix with floor divisions', () => {
    // Values qemu-img and Virtual PC write for these sizes.
    expect(geometryForSize(8390656)).toEqual({ cylinders: 241, heads: 4, sectorsPerTrack: 17 });
    expect(geometryForSize(2 ** 30)).toEqual({ cylinders: 2080, heads: 16, sectorsPerTrack: 63 });
    expect(geometryForSize(3 * 2 ** 20)).toEqual({ cylinders: 90, heads: 4, sectorsPerTrack: 17 });
    expect(geometryForSize(127 * 2 ** 30)).toEqual({
      cylinders: 65278,
      heads: 16,
      sectorsPerTrack: 255,
    });
    expect(geometryForSize(128 * 2 ** 30)).toEqual({
      cylinders: 65535,
      heads: 16,
      sectorsPerTrack: 255,
    });
    expect(geometryForSize(2040 * 2 ** 30)).toEqual({
      cylinders: 65535,
      heads: 16,
      sectorsPerTrack: 255,
    });
    expect(geometryForSize(0)).toEqual({ cylinders: 0, heads: 4, sectorsPerTrack: 17 });
  });

  it('chsCapacity never exceeds the size it was computed from', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2040 * 2 ** 30 }), (size) => {
        const g = geometryForSize(size);
        expect(chsCapacity(g)).toBeLessThanOrEqual(size);
        expect(g.cylinders).toBeLessThanOrEqual(65535);
        expect(g.heads).toBeLessThanOrEqual(16);
      }),
    );
  });

  it('geometryForSize rejects negative and unsafe sizes', () => {
    expect(() => geometryForSize(-1)).toThrow(/INVALID_ARGUMENT/);
    expect(() => geometryForSize(2 ** 53)).toThrow(/INVALID_ARGUMENT/);
  });
});
