/**
 * What a copy reads: a virtual disk of a known size, and where it may hold data. A chain (or a
 * single image) answers from its BATs; a raw file may hold data anywhere.
 * @module
 */
import { BLOCK_UNUSED } from '../constants.js';
import type { Geometry } from '../geometry.js';
import type { VhdChain } from '../image/chain.js';
import type { VhdLayer } from '../image/layer.js';
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
 * block over (from the BATs) is known to read as zeros.
 */
export function chainDisk(chain: VhdChain): VirtualDisk {
  const layers = chain.layers as readonly VhdLayer[];
  return {
    virtualSize: chain.virtualSize,
    geometry: layers[0]!.footer.geometry,
    read: (buffer, offset) => chain.read(buffer, offset),
    async mayHoldData(offset, length) {
      let end = offset + length;
      for (const layer of layers) {
        // Past a layer's size reads are zeros and go no lower.
        end = Math.min(end, layer.virtualSize);
        if (end <= offset) return false;
        if (layer.type === 'fixed') return true;
        const blockSize = layer.blockSize!;
        for (let i = Math.floor(offset / blockSize); i * blockSize < end; i++) {
          if ((await layer.entry(i)) !== BLOCK_UNUSED) return true;
        }
        if (layer.type !== 'differencing') return false;
      }
      return false;
    },
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
