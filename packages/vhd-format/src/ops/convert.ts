/**
 * Converting a virtual disk (a chain or a single image, flattened; or a raw file) into a new
 * fixed or dynamic image or a raw file. All-zero data is never stored: a dynamic target
 * allocates only blocks holding a non-zero byte, a raw or fixed target gets holes (nothing is
 * written over zeros; the size is set at the end), so a half-empty disk makes a file about half
 * the size. The source is only read.
 * @module
 */
import { ALL_ONES_64, DEFAULT_BLOCK_SIZE, DISK_TYPE_CODES, FOOTER_SIZE } from '../constants.js';
import { VhdFormatError } from '../errors.js';
import { geometryForSize } from '../geometry.js';
import type { VhdChain } from '../image/chain.js';
import { type CreateOptions, checkVirtualSize, emptyFile, newFooter } from '../image/options.js';
import type { RandomAccessFile } from '../io.js';
import { encodeFooter } from '../structs/footer.js';
import { DynamicImageWriter } from './dynamic-writer.js';
import { advance, type OperationOptions } from './options.js';
import { chainDisk, type VirtualDisk } from './virtual-disk.js';
import { isAllZero } from './zero.js';

/** What a conversion makes: a fixed or dynamic VHD, or a raw file of the disk's bytes. */
export type ConvertTargetType = 'fixed' | 'dynamic' | 'raw';

/** Options of {@link convertDisk}. */
export interface ConvertOptions
  extends OperationOptions,
    Omit<CreateOptions, 'onProgress' | 'signal'> {
  /** The target's kind. */
  type: ConvertTargetType;
  /** Block size of a dynamic target (default 2 MiB). */
  blockSizeBytes?: number;
}

/** What {@link convertDisk} made. */
export interface ConvertResult {
  /** The target's kind. */
  readonly type: ConvertTargetType;
  /** The disk's size in bytes. */
  readonly virtualSize: number;
  /** The target file's size in bytes (holes included). */
  readonly fileSize: number;
  /** Bytes of disk data written (all-zero data is skipped). */
  readonly dataBytes: number;
  /** Blocks allocated in a dynamic target (0 otherwise). */
  readonly allocatedBlocks: number;
}

/** Bytes a raw or fixed copy reads at a time. */
export const COPY_CHUNK = 2 * 2 ** 20;
/** The smallest all-zero piece a raw or fixed copy leaves as a hole (a page). */
export const HOLE_GRAIN = 4096;

const isChain = (s: VhdChain | VirtualDisk): s is VhdChain => Array.isArray((s as VhdChain).layers);

/** The virtual disk a source stands for. */
export function diskOf(source: VhdChain | VirtualDisk): VirtualDisk {
  return isChain(source) ? chainDisk(source) : source;
}

/**
 * Writes the virtual disk of `source` (an opened chain, flattened; or a {@link VirtualDisk} such
 * as {@link rawDisk} of a raw file) into `target` as `o.type`. `target` is emptied first and is
 * whole only when the promise resolves: give a file that appears only then (atomic creation).
 * The source is only read. A dynamic target stores only the blocks holding a non-zero byte; a
 * raw or fixed target has nothing written over all-zero pages (the size is set at the end, so
 * a sparse file system leaves holes). Reports progress in bytes of virtual disk; stops with
 * `ABORTED` when `o.signal` fires.
 * @throws VhdFormatError `INVALID_ARGUMENT` (type, size), `SIZE_TOO_LARGE` (over 2040 GiB for a
 * VHD target), `BAD_BLOCK_SIZE`, `ABORTED`, and what reading the source throws.
 * @example
 * ```ts
 * const chain = await openChain(childFile, { openParent });
 * await convertDisk(chain, memoryFile(), { type: 'dynamic' });   // flatten into one image
 * await convertDisk(await rawDisk(rawFile), vhdFile, { type: 'fixed' }); // import raw bytes
 * ```
 */
export async function convertDisk(
  source: VhdChain | VirtualDisk,
  target: RandomAccessFile,
  o: ConvertOptions,
): Promise<ConvertResult> {
  if (o.type !== 'fixed' && o.type !== 'dynamic' && o.type !== 'raw') {
    throw new VhdFormatError('INVALID_ARGUMENT', 'type must be fixed, dynamic or raw', {
      field: 'type',
      value: o.type,
    });
  }
  const disk = diskOf(source);
  const size = disk.virtualSize;
  if (o.type === 'dynamic') return toDynamic(disk, target, o);
  if (o.type === 'fixed') checkVirtualSize(size, 'virtualSize');
  advance(o, 0, size);
  await emptyFile(target);
  const dataBytes = await copySparse(disk, target, o);
  let fileSize = size;
  if (o.type === 'fixed') {
    const footer = newFooter(o, {
      diskType: DISK_TYPE_CODES.fixed,
      dataOffset: ALL_ONES_64,
      sizeBytes: size,
      geometry: geometryForSize(size),
    });
    await target.write(encodeFooter(footer), size);
    fileSize += FOOTER_SIZE;
  } else {
    await target.truncate(size);
  }
  advance(o, size, size);
  return { type: o.type, virtualSize: size, fileSize, dataBytes, allocatedBlocks: 0 };
}

/** Copies the disk's non-zero pages to the same offsets of `target`; returns the bytes written. */
async function copySparse(
  disk: VirtualDisk,
  target: RandomAccessFile,
  o: OperationOptions,
): Promise<number> {
  const size = disk.virtualSize;
  const buffer = new Uint8Array(Math.min(COPY_CHUNK, size));
  let written = 0;
  for (let offset = 0; offset < size; offset += COPY_CHUNK) {
    advance(o, offset, size);
    const n = Math.min(COPY_CHUNK, size - offset);
    if (disk.mayHoldData !== undefined && !(await disk.mayHoldData(offset, n))) continue;
    const view = n === buffer.length ? buffer : buffer.subarray(0, n);
    await disk.read(view, offset);
    // Runs of pages holding data, each one write.
    let run = -1;
    for (let at = 0; at <= n; at += HOLE_GRAIN) {
      const end = Math.min(n, at + HOLE_GRAIN);
      const data = at < n && !isAllZero(view, at, end);
      if (data && run < 0) run = at;
      if (!data && run >= 0) {
        await target.write(view.subarray(run, at), offset + run);
        written += at - run;
        run = -1;
      }
    }
    if (run >= 0) {
      await target.write(view.subarray(run, n), offset + run);
      written += n - run;
    }
  }
  return written;
}

/** Writes the disk as a dynamic image, block by block, allocating only blocks with data. */
async function toDynamic(
  disk: VirtualDisk,
  target: RandomAccessFile,
  o: ConvertOptions,
): Promise<ConvertResult> {
  const size = disk.virtualSize;
  advance(o, 0, size);
  const writer = await DynamicImageWriter.start(
    target,
    size,
    o.blockSizeBytes ?? DEFAULT_BLOCK_SIZE,
    o,
  );
  const blockSize = writer.blockSize;
  const stored = writer.blockBuffer();
  const data = stored.subarray(writer.bitmapBytes);
  for (let block = 0; block < writer.blockCount; block++) {
    const offset = block * blockSize;
    advance(o, offset, size);
    const n = Math.min(blockSize, size - offset);
    if (disk.mayHoldData !== undefined && !(await disk.mayHoldData(offset, n))) continue;
    const view = n === blockSize ? data : data.subarray(0, n);
    if (n < blockSize) data.fill(0, n);
    await disk.read(view, offset);
    if (isAllZero(view)) continue;
    await writer.putBlock(block, stored);
  }
  const fileSize = await writer.finish();
  advance(o, size, size);
  return {
    type: 'dynamic',
    virtualSize: size,
    fileSize,
    dataBytes: writer.allocatedBlocks * blockSize,
    allocatedBlocks: writer.allocatedBlocks,
  };
}
