import { describe, expect, it } from 'vitest';
import { geometryForSize, MAX_GEOMETRY, roundUpToChs } from './geometry.js';
import { QEMU_CURRENT_SIZE_CREATORS, qemuVirtualSize } from './qemu-size.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

describe('qemuVirtualSize', () => {
  it('is the CHS capacity for creators QEMU does not trust: 6 KiB short of 10 MiB, 256 KiB of 1 GiB', () => {
    for (const creatorApplication of ['vsk ', 'vs  ', 'vpc ', 'qemu', 'xo  ']) {
      const at = (size: number) =>
        qemuVirtualSize({ creatorApplication, currentSize: size, geometry: geometryForSize(size) });
      expect(at(10 * MiB)).toBe(10 * MiB - 6 * 1024);
      expect(at(GiB)).toBe(GiB - 262_144);
    }
  });

  it('is the current size for the creators QEMU 7.2 trusts', () => {
    expect(QEMU_CURRENT_SIZE_CREATORS).toEqual(['win ', 'qem2', 'd2v ', 'CTXS', 'tap\0']);
    for (const creatorApplication of QEMU_CURRENT_SIZE_CREATORS) {
      expect(
        qemuVirtualSize({
          creatorApplication,
          currentSize: 127 * GiB,
          geometry: geometryForSize(127 * GiB),
        }),
      ).toBe(127 * GiB);
    }
  });

  it('is the current size with the maximum geometry, whatever the size and creator', () => {
    for (const currentSize of [10 * MiB, 200 * GiB]) {
      expect(
        qemuVirtualSize({ creatorApplication: 'vsk ', currentSize, geometry: MAX_GEOMETRY }),
      ).toBe(currentSize);
    }
  });

  it('is the current size of every size roundUpToChs gives', () => {
    for (const asked of [512, 3 * MiB, 10 * MiB + 7 * 512, GiB, 127 * GiB, 300 * GiB]) {
      const { sizeBytes, geometry } = roundUpToChs(asked);
      expect(
        qemuVirtualSize({ creatorApplication: 'vsk ', currentSize: sizeBytes, geometry }),
      ).toBe(sizeBytes);
    }
  });
});
