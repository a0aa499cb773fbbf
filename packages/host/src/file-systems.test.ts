import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { occupiedBytes } from './file-systems.js';

describe('occupiedBytes', () => {
  it('rounds a file up to whole clusters', () => {
    expect(occupiedBytes(0, 4096)).toBe(0);
    expect(occupiedBytes(1, 4096)).toBe(4096);
    expect(occupiedBytes(4096, 4096)).toBe(4096);
    expect(occupiedBytes(4097, 4096)).toBe(8192);
  });

  it('treats a cluster size below 1 as one byte', () => {
    expect(occupiedBytes(4097, 0)).toBe(4097);
    expect(occupiedBytes(4097, -512)).toBe(4097);
  });

  it('is the least multiple of the cluster at or above the size', () => {
    fc.assert(
      fc.property(fc.nat(2 ** 44), fc.integer({ min: 9, max: 16 }), (size, shift) => {
        const cluster = 2 ** shift;
        const occupied = occupiedBytes(size, cluster);
        expect(occupied % cluster).toBe(0);
        expect(occupied).toBeGreaterThanOrEqual(size);
        expect(occupied - size).toBeLessThan(cluster);
      }),
      { numRuns: 200 },
    );
  });
});
