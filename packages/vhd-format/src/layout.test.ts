import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_GEOMETRY } from './geometry.js';
import { batCoverage, blockStride, expandedFileSize, locatorSpaceFor } from './layout.js';
import { baseImage, childImage, MemoryImages } from './testing/images.js';

describe('layout', () => {
  it('expandedFileSize of a fixed disk is its size plus the footer', () => {
    expect(expandedFileSize({ type: 'fixed', sizeBytes: 3 * 2 ** 20 })).toBe(3 * 2 ** 20 + 512);
    expect(() => expandedFileSize({ type: 'fixed', sizeBytes: -1 })).toThrow(/INVALID_ARGUMENT/);
  });

  it('blockStride is bitmap plus data: 4097 sectors for 2 MiB blocks', () => {
    expect(blockStride(2 * 2 ** 20) / 512).toBe(4097);
    expect(blockStride(4096) / 512).toBe(9);
    expect(locatorSpaceFor(0)).toBe(512);
    expect(locatorSpaceFor(257)).toBe(1024);
    expect(batCoverage(1000 * 512)).toBe(1000 * 512);
  });

  it('batCoverage covers a CHS capacity above the size, except for the maximum geometry', () => {
    const big = { cylinders: 2000, heads: 16, sectorsPerTrack: 63 };
    expect(batCoverage(2 ** 20, big)).toBe(2000 * 16 * 63 * 512);
    expect(batCoverage(2 ** 20, MAX_GEOMETRY)).toBe(2 ** 20);
  });

  it('expandedFileSize equals the file size once every block is written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom(512, 4096, 16384),
        fc.boolean(),
        async (sectors, blockSize, differencing) => {
          const size = sectors * 512;
          const images = new MemoryImages();
          let file = await baseImage('dynamic', size, blockSize, 1);
          let locatorDataBytes = 0;
          if (differencing) {
            await images.add(file);
            file = await childImage(file, 2, 'base.vhd');
            locatorDataBytes = locatorSpaceFor('C:\\vms\\base.vhd'.length) + locatorSpaceFor(10);
          }
          const chain = await images.open(file);
          await chain.write(new Uint8Array(size).fill(1), 0);
          await chain.close();
          const expected = expandedFileSize({
            type: differencing ? 'differencing' : 'dynamic',
            sizeBytes: size,
            blockSizeBytes: blockSize,
            locatorDataBytes,
          });
          expect(await file.size()).toBe(expected);
        },
      ),
      { numRuns: 40 },
    );
  });
});
