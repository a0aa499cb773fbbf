/**
 * What a copy reads: a virtual disk of a known size, and where it may hold data. A chain (or a
 * single image) answers from its BATs; a raw file may hold data anywhere.
 * @module
 */
import type { Geometry } from '../geometry.js';
import type { VhdChain } from '../image/chain.js';
import { type RandomAccessFile, readExactly } from '../io.js';
import { roundUpToSector } from '../layout.js';

/** A virtual disk to copy from: its size, its bytes, and where it surely reads as zeros. */
export interface VirtualDisk {
  /** Size in bytes (a multiple of 512). */
  readonly virtualSize: number;
  /** Reads `buffer.length` bytes at `offset` (within the size). */
  read(buffer: Uint8Array, offset: number): Promise<void>;
  /**
   * Whether a byte of `[offset, offset + length)` may be non-zero. `false` promises zeros, so
   * the range is skipped without a read; omitted, every range is read.
   */
  mayHoldData?(offset: number, length: number): Promise<boolean>;
  /** The disk's CHS geometry, when it has one (a VHD's), kept by a VHD made of it. */
  readonly geometry?: Geometry;
}

/**
 * The virtual disk of an opened chain: reads go through the chain; a range no layer holds a
 * block over (the chain's own allocation query, {@link VhdChain.isAllocated}) reads as zeros.
 */
export function chainDisk(chain: VhdChain): VirtualDisk {
  return {
    virtualSize: chain.virtualSize,
    geometry: chain.layers[0]!.footer.geometry,
    read: (buffer, offset) => chain.read(buffer, offset),
    mayHoldData: (offset, length) => chain.isAllocated(offset, length),
  };
}

/**
 * The virtual disk a raw file holds: its bytes, with its size rounded up to whole sectors
 * (the padding reads as zeros).
 */
export async function rawDisk(file: RandomAccessFile): Promise<VirtualDisk> {
  const size = await file.size();
  const virtualSize = roundUpToSector(size);
  return {
    virtualSize,
    async read(buffer, offset) {
      const inFile = Math.max(0, Math.min(buffer.length, size - offset));
      if (inFile > 0) await readExactly(file, buffer.subarray(0, inFile), offset, 'raw data');
      if (inFile < buffer.length) buffer.fill(0, inFile);
    },
  };
}
