/**
 * How much of a layer is allocated, read from its Block Allocation Table.
 * @module
 */
import type { RandomAccessFile, VhdImage } from '@vskit/vhd-format';

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

const UNUSED = 0xffffffff;
const CHUNK_ENTRIES = 256 * 1024;

/**
 * Reads the layer's allocation; `undefined` when the BAT does not fit in the file (check says
 * why). Reads the table in chunks of at most 1 MiB, never sized by a field beyond the file.
 */
export async function readAllocation(
  file: RandomAccessFile,
  image: VhdImage,
): Promise<Allocation | undefined> {
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
  const entries = header.maxTableEntries;
  const fileSize = await file.size();
  if (header.tableOffset + entries * 4 > fileSize) return undefined;
  let allocated = 0;
  for (let first = 0; first < entries; first += CHUNK_ENTRIES) {
    const count = Math.min(CHUNK_ENTRIES, entries - first);
    const bytes = new Uint8Array(count * 4);
    const read = await file.read(bytes, header.tableOffset + first * 4);
    const view = new DataView(bytes.buffer, bytes.byteOffset, read);
    for (let i = 0; i + 4 <= read; i += 4) if (view.getUint32(i) !== UNUSED) allocated++;
  }
  return {
    blockSize: header.blockSize,
    blocksTotal: entries,
    blocksAllocated: allocated,
    bytesAllocated: Math.min(bytesTotal, allocated * header.blockSize),
    bytesTotal,
  };
}
