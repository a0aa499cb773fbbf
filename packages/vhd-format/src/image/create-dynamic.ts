/**
 * Creating a dynamic disk, and the metadata image shared with differencing disks.
 * @module
 */
import {
  ALL_ONES_64,
  DEFAULT_BLOCK_SIZE,
  DISK_TYPE_CODES,
  FOOTER_SIZE,
  HEADER_VERSION,
  LOCATOR_COUNT,
  MAX_TABLE_ENTRIES,
} from '../constants.js';
import { VhdFormatError } from '../errors.js';
import type { Geometry } from '../geometry.js';
import type { RandomAccessFile } from '../io.js';
import { batCoverage, batEntriesFor, HEADER_OFFSET, TABLE_OFFSET } from '../layout.js';
import { batByteSize } from '../structs/bat.js';
import {
  type DynamicHeader,
  encodeDynamicHeader,
  isValidBlockSize,
} from '../structs/dynamic-header.js';
import { encodeFooter, type Footer } from '../structs/footer.js';
import { emptyLocatorEntry, type ParentLocatorEntry } from '../structs/parent-locator.js';
import {
  type CreateOptions,
  type DiskSizeOptions,
  emptyFile,
  newDiskSize,
  newFooter,
  throwIfAborted,
} from './options.js';

/** Options of {@link createDynamic}. */
export interface CreateDynamicOptions extends CreateOptions, DiskSizeOptions {
  /** Block size: a power of two from 512 bytes to 256 MiB. Default 2 MiB. */
  blockSizeBytes?: number;
}

/** Checks a block size for creation. */
export function checkBlockSize(blockSize: number): number {
  if (!isValidBlockSize(blockSize)) {
    throw new VhdFormatError(
      'BAD_BLOCK_SIZE',
      `block size must be a power of two from 512 bytes to 256 MiB: ${blockSize}`,
      { field: 'blockSizeBytes', value: blockSize },
    );
  }
  return blockSize;
}

/**
 * The footer and the header (nothing about a parent yet) of a dynamic or differencing disk of
 * `size` bytes: the BAT covers max(size, CHS capacity of `geometry`) in blocks of `blockSize`.
 */
export function newSparseMetadata(
  o: CreateOptions,
  diskType: number,
  size: number,
  geometry: Geometry,
  blockSize: number,
): { footer: Footer; header: DynamicHeader } {
  const footer = newFooter(o, { diskType, dataOffset: HEADER_OFFSET, sizeBytes: size, geometry });
  const entries = batEntriesFor(batCoverage(size, geometry), blockSize);
  if (entries > MAX_TABLE_ENTRIES) {
    throw new VhdFormatError(
      'SIZE_TOO_LARGE',
      `${entries} blocks of ${blockSize} bytes exceed the ${MAX_TABLE_ENTRIES} BAT entries we hold; use larger blocks`,
      { field: 'blockSizeBytes', value: blockSize },
    );
  }
  const header = newHeader(entries, blockSize);
  return { footer, header };
}

/** A dynamic header with nothing about a parent. */
function newHeader(maxTableEntries: number, blockSize: number): DynamicHeader {
  const parentLocators: ParentLocatorEntry[] = [];
  for (let i = 0; i < LOCATOR_COUNT; i++) parentLocators.push(emptyLocatorEntry());
  return {
    dataOffset: ALL_ONES_64,
    tableOffset: TABLE_OFFSET,
    headerVersion: HEADER_VERSION,
    maxTableEntries,
    blockSize,
    checksum: 0,
    parentUniqueId: new Uint8Array(16),
    parentTimestamp: 0,
    reserved1: 0,
    parentUnicodeName: '',
    parentUnicodeNameBytes: new Uint8Array(0),
    parentLocators,
    reserved2: new Uint8Array(256),
  };
}

/** Bytes per write of the BAT's 0xFF fill. */
const FILL_CHUNK = 2 ** 20;
let onesChunk: Uint8Array | undefined;

/**
 * A shared, never-modified 1 MiB run of 0xFF bytes. Allocating and filling a fresh 4 MiB buffer
 * for every 2040 GiB image costs several times more than writing it.
 */
function ones(): Uint8Array {
  onesChunk ??= new Uint8Array(FILL_CHUNK).fill(0xff);
  return onesChunk;
}

/**
 * Writes a whole empty sparse image: footer copy at 0 and header at 512 (one write), the BAT at
 * 1536 (all 0xFF, in 1 MiB writes of a shared buffer), then `extra` (locator data, laid out from
 * the BAT's end) and the footer (one write).
 */
export async function writeSparseImage(
  file: RandomAccessFile,
  footer: Footer,
  header: DynamicHeader,
  extra: Uint8Array,
  o: CreateOptions,
): Promise<void> {
  const footerBytes = encodeFooter(footer);
  const head = new Uint8Array(TABLE_OFFSET);
  head.set(footerBytes, 0);
  head.set(encodeDynamicHeader(header), HEADER_OFFSET);
  const batBytes = batByteSize(header.maxTableEntries);
  const tailAt = TABLE_OFFSET + batBytes;
  const tail = new Uint8Array(extra.length + FOOTER_SIZE);
  tail.set(extra, 0);
  tail.set(footerBytes, extra.length);
  const total = tailAt + tail.length;
  throwIfAborted(o.signal);
  await emptyFile(file);
  o.onProgress?.(0, total);
  await file.write(head, 0);
  const fill = ones();
  for (let done = 0; done < batBytes; done += FILL_CHUNK) {
    const n = Math.min(FILL_CHUNK, batBytes - done);
    await file.write(n === FILL_CHUNK ? fill : fill.subarray(0, n), TABLE_OFFSET + done);
  }
  await file.write(tail, tailAt);
  o.onProgress?.(total, total);
}

/**
 * Creates an empty dynamic disk of `sizeBytes` (rounded up to a size every reader agrees on
 * unless `exactSize`) on an empty (or emptied) `file`. The BAT covers max(size, CHS capacity)
 * (VHD.md pitfall 16) and every entry is unused.
 */
export async function createDynamic(
  file: RandomAccessFile,
  o: CreateDynamicOptions,
): Promise<void> {
  const { sizeBytes: size, geometry } = newDiskSize(o);
  const blockSize = checkBlockSize(o.blockSizeBytes ?? DEFAULT_BLOCK_SIZE);
  const { footer, header } = newSparseMetadata(
    o,
    DISK_TYPE_CODES.dynamic,
    size,
    geometry,
    blockSize,
  );
  await writeSparseImage(file, footer, header, new Uint8Array(0), o);
}
