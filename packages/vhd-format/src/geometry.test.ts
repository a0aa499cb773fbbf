import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chsCapacity,
  geometryForSize,
  isMaxGeometry,
  MAX_CHS_SECTORS,
  MAX_GEOMETRY,
  roundUpToChs,
} from './geometry.js';

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

describe('roundUpToChs', () => {
  it('gives the sizes and geometries qemu-img create writes', () => {
    // Measured with qemu-img 7.2: `qemu-img create -f vpc x 1G` is 1073995776 bytes, 2081/16/63.
    expect(roundUpToChs(2 ** 30)).toEqual({
      sizeBytes: 1_073_995_776,
      geometry: { cylinders: 2081, heads: 16, sectorsPerTrack: 63 },
    });
    expect(roundUpToChs(10 * 2 ** 20)).toEqual({
      sizeBytes: 10_514_432,
      geometry: { cylinders: 302, heads: 4, sectorsPerTrack: 17 },
    });
    // A size that is a CHS capacity already stays.
    expect(roundUpToChs(301 * 4 * 17 * 512).sizeBytes).toBe(301 * 4 * 17 * 512);
  });

  it('past a change of heads takes the first geometry that reaches the size, not the geometry of the result', () => {
    // 4 heads of 17 sectors end at 1023/4/17 = 69564 sectors. The first count whose geometry
    // reaches 69565 sectors is 69633: 819/5/17 = 69615 sectors, what qemu-img writes too. The
    // spec's geometry of 69615 sectors would be 1023/4/17 again, which addresses less.
    expect(roundUpToChs(69_565 * 512)).toEqual({
      sizeBytes: 69_615 * 512,
      geometry: { cylinders: 819, heads: 5, sectorsPerTrack: 17 },
    });
    expect(geometryForSize(69_615 * 512)).toEqual({
      cylinders: 1023,
      heads: 4,
      sectorsPerTrack: 17,
    });
  });

  it('keeps the size asked, with the maximum geometry, once the maximum is reached', () => {
    expect(roundUpToChs(MAX_CHS_SECTORS * 512)).toEqual({
      sizeBytes: MAX_CHS_SECTORS * 512,
      geometry: MAX_GEOMETRY,
    });
    expect(roundUpToChs((MAX_CHS_SECTORS - 100) * 512)).toEqual({
      sizeBytes: (MAX_CHS_SECTORS - 100) * 512,
      geometry: MAX_GEOMETRY,
    });
    expect(roundUpToChs(2040 * 2 ** 30)).toEqual({
      sizeBytes: 2040 * 2 ** 30,
      geometry: MAX_GEOMETRY,
    });
    // The largest size below the maximum that a geometry addresses exactly stays as it is.
    expect(roundUpToChs(65534 * 16 * 255 * 512).geometry).toEqual({
      cylinders: 65534,
      heads: 16,
      sectorsPerTrack: 255,
    });
  });

  it('never shrinks a size; the geometry addresses exactly the result, or is the maximum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2040 * 2 ** 21 }), (sectors) => {
        const { sizeBytes, geometry } = roundUpToChs(sectors * 512);
        expect(sizeBytes).toBeGreaterThanOrEqual(sectors * 512);
        if (isMaxGeometry(geometry)) expect(sizeBytes).toBe(sectors * 512);
        else expect(chsCapacity(geometry)).toBe(sizeBytes);
        // It is the spec's geometry of some sector count at or above the one asked.
        expect(geometry.cylinders).toBeLessThanOrEqual(65535);
      }),
    );
  });

  it('rounds a size that is not whole sectors up to the next sector first', () => {
    expect(roundUpToChs(301 * 4 * 17 * 512 - 100).sizeBytes).toBe(301 * 4 * 17 * 512);
    expect(() => roundUpToChs(-512)).toThrow(/INVALID_ARGUMENT/);
  });
});
