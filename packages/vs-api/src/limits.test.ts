import type { VolumeInfo } from '@vskit/host';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownName } from './__fixtures__/error-names.js';
import {
  checkFileFitsVolume,
  checkFreeSpace,
  checkVirtualSize,
  MAX_VIRTUAL_SIZE_BYTES,
  MB,
  MIN_VIRTUAL_SIZE_BYTES,
  requireSizeMB,
} from './limits.js';

const volume = (patch: Partial<VolumeInfo> = {}): VolumeInfo => ({
  drive: 'C',
  fileSystem: 'FAT32',
  capacityBytes: 2 ** 40,
  freeBytes: 2 ** 39,
  maxFileSizeBytes: 2 ** 32 - 1,
  clusterBytes: 4096,
  ...patch,
});

describe('requireSizeMB', () => {
  it('accepts whole numbers above 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), (n) => {
        expect(requireSizeMB(n)).toBe(n);
      }),
      { numRuns: 50 },
    );
  });

  it('refuses 0, negatives, fractions, NaN, infinities and non-numbers with E_INVALIDARG', () => {
    for (const bad of [
      0,
      -0,
      -1,
      -3,
      1.5,
      0.1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '5',
      null,
      undefined,
    ]) {
      expect(thrownName(() => requireSizeMB(bad))).toBe('E_INVALIDARG');
    }
  });
});

describe('checkVirtualSize', () => {
  it('is exact at 3 MB: one sector less is too small', () => {
    expect(thrownName(() => checkVirtualSize(MIN_VIRTUAL_SIZE_BYTES, 'sizeMB'))).toBeUndefined();
    expect(thrownName(() => checkVirtualSize(MIN_VIRTUAL_SIZE_BYTES - 512, 'sizeMB'))).toBe(
      'VM_E_IMAGE_SIZE_TOO_SMALL',
    );
    expect(thrownName(() => checkVirtualSize(MIN_VIRTUAL_SIZE_BYTES - 1, 'sizeMB'))).toBe(
      'VM_E_IMAGE_SIZE_TOO_SMALL',
    );
  });

  it('is exact at 2,088,960 MB: that size is too large, one MB less is fine', () => {
    expect(MAX_VIRTUAL_SIZE_BYTES).toBe(2_088_960 * MB);
    expect(thrownName(() => checkVirtualSize(MAX_VIRTUAL_SIZE_BYTES, 'sizeMB'))).toBe(
      'VM_E_IMAGE_SIZE_TOO_LARGE',
    );
    expect(
      thrownName(() => checkVirtualSize(MAX_VIRTUAL_SIZE_BYTES - MB, 'sizeMB')),
    ).toBeUndefined();
    expect(
      thrownName(() => checkVirtualSize(MAX_VIRTUAL_SIZE_BYTES - 512, 'sizeMB')),
    ).toBeUndefined();
  });

  it('agrees with the rule for every size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 42 }), (sectors) => {
        const bytes = sectors * 512;
        const expected =
          bytes >= MAX_VIRTUAL_SIZE_BYTES
            ? 'VM_E_IMAGE_SIZE_TOO_LARGE'
            : bytes < MIN_VIRTUAL_SIZE_BYTES
              ? 'VM_E_IMAGE_SIZE_TOO_SMALL'
              : undefined;
        expect(thrownName(() => checkVirtualSize(bytes, 'sizeMB'))).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('checkFileFitsVolume', () => {
  it('FAT32 holds a file of 4 GiB - 1 byte and not one byte more', () => {
    expect(thrownName(() => checkFileFitsVolume(volume(), 2 ** 32 - 1, 'sizeMB'))).toBeUndefined();
    expect(thrownName(() => checkFileFitsVolume(volume(), 2 ** 32, 'sizeMB'))).toBe(
      'VM_E_FILE_TOO_LARGE_FOR_VOLUME',
    );
  });
});

describe('checkFreeSpace', () => {
  it('E_DISK_FULL exactly when free space is below the need', () => {
    fc.assert(
      fc.property(fc.nat(2 ** 40), fc.nat(2 ** 40), (free, need) => {
        const code = thrownName(() =>
          checkFreeSpace(volume({ freeBytes: free }), need, 'imagePath'),
        );
        expect(code).toBe(free < need ? 'E_DISK_FULL' : undefined);
      }),
      { numRuns: 100 },
    );
  });
});
