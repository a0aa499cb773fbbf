/**
 * How much of a layer is allocated, from the count of BAT entries in use that vhd-format keeps.
 * @module
 */
import type { VhdImage } from '@vskit/vhd-format';

/** The allocation of one layer. */
export interface Allocation {
  /** Block size in bytes (`null` for a fixed image, which has no blocks). */
  readonly blockSize: number | null;
  /** Blocks the BAT has room for (`null` for fixed). */
  readonly blocksTotal: number | null;
  /** Blocks present in the file (`null` for fixed). */
  readonly blocksAllocated: number | null;
  /** Virtual-disk bytes the layer stores data for (every byte for fixed). */
  readonly bytesAllocated: number;
  /** The virtual size. */
  readonly bytesTotal: number;
}

/** The allocation of an opened layer. */
export function allocationOf(image: VhdImage): Allocation {
  const bytesTotal = image.virtualSize;
  const header = image.header;
  if (image.type === 'fixed' || header === undefined) {
    return {
      blockSize: null,
      blocksTotal: null,
      blocksAllocated: null,
      bytesAllocated: bytesTotal,
      bytesTotal,
    };
  }
  const allocated = image.allocatedBlockCount;
  return {
    blockSize: header.blockSize,
    blocksTotal: header.maxTableEntries,
    blocksAllocated: allocated,
    bytesAllocated: Math.min(bytesTotal, allocated * header.blockSize),
    bytesTotal,
  };
}
