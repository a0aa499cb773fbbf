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
import { dataRuns, isAllZero, type ZeroTestOption } from './zero.js';

/** What a conversion makes: a fixed or dynamic VHD, or a raw file of the disk's bytes. */
export type ConvertTargetType = 'fixed' | 'dynamic' | 'raw';

/** Options of {@link convertDisk}. */
export interface ConvertOptions
  extends OperationOptions,
    ZeroTestOption,
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
      geometry: disk.geometry ?? geometryForSize(size),
    });
    await target.write(encodeFooter(footer), size);
    fileSize += FOOTER_SIZE;
  } else {
    await target.truncate(size);
  }
  advance(o, size, size);
  return { type: o.type, virtualSize: size, fileSize, dataBytes, allocatedBlocks: 0 };
}

/**
 * Chunks a copy reads ahead of the one it is checking: two keep a reader busy beside the writer
 * (more reads under way together cost CPU time and gained nothing in a 1 GiB import).
 */
export const READ_AHEAD = 2;
/** Chunks whose writes may still be under way while the next is checked. */
export const WRITES_UNDER_WAY = 2;
/** Buffers a copy holds: one per chunk being read, checked or written. */
const BUFFERS = READ_AHEAD + WRITES_UNDER_WAY + 1;

/**
 * The writes of a copy, by chunk, oldest first. They go out one after the other, each started
 * when the one before it has ended: a file system serialises the writes to one file anyway,
 * and writes under way together only contend for its lock.
 */
class Writes {
  #queue: Array<{ index: number; done: Promise<void> }> = [];
  #last: Promise<void> = Promise.resolve();

  /** Queues the write(s) of chunk `index`: `start` is called once the earlier ones ended. */
  add(index: number, start: () => Promise<void>): void {
    const done = this.#last.then(start);
    // A failure is reported when it is waited for; until then it must not go unhandled.
    done.catch(() => undefined);
    this.#last = done;
    this.#queue.push({ index, done });
  }

  /** Waits for the writes of chunks up to `index`. */
  async through(index: number): Promise<void> {
    while (this.#queue.length > 0 && this.#queue[0]!.index <= index) {
      await this.#queue.shift()!.done;
    }
  }

  /** Waits for every write, failures ignored (before the buffers are given up). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.#queue.map((w) => w.done));
    this.#queue = [];
  }
}

/**
 * Reads the chunks of a disk in order, ahead of the caller: while chunk `k` is checked and
 * written, the reads of the next chunks are under way (with a file whose I/O runs on other
 * threads, reads and writes overlap). Chunk `k` is read into `buffers[k % buffers.length]`; a
 * chunk no layer holds is not read. Taking chunk `k` starts the reads of chunks up to
 * `k + READ_AHEAD`, into the buffers of chunks up to `k - WRITES_UNDER_WAY - 1`: the caller must
 * be done with those.
 */
class ChunkReader {
  readonly #disk: VirtualDisk;
  readonly #chunk: number;
  readonly #buffers: readonly Uint8Array[];
  readonly #loads = new Map<number, Promise<boolean>>();

  /** `buffers` are views of at least `chunk` bytes each. */
  constructor(disk: VirtualDisk, chunk: number, buffers: readonly Uint8Array[]) {
    this.#disk = disk;
    this.#chunk = chunk;
    this.#buffers = buffers;
  }

  /** Whether chunk `index` may hold data; when it may, its bytes are in {@link view}(index). */
  take(index: number): Promise<boolean> {
    const current = this.#loads.get(index) ?? this.#load(index);
    this.#loads.delete(index);
    // The buffers of chunks before `index` are free again: start the reads that use them.
    for (let k = index + 1; k <= index + READ_AHEAD; k++) {
      if (k * this.#chunk >= this.#disk.virtualSize || this.#loads.has(k)) continue;
      const load = this.#load(k);
      // A failure is reported when the chunk is taken; until then it must not go unhandled.
      load.catch(() => undefined);
      this.#loads.set(k, load);
    }
    return current;
  }

  /** The bytes of chunk `index` (the last may be shorter). */
  view(index: number): Uint8Array {
    const n = Math.min(this.#chunk, this.#disk.virtualSize - index * this.#chunk);
    return this.#buffers[index % this.#buffers.length]!.subarray(0, n);
  }

  /** Waits for reads still under way (before the buffers are given up). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.#loads.values());
    this.#loads.clear();
  }

  async #load(index: number): Promise<boolean> {
    const offset = index * this.#chunk;
    const view = this.view(index);
    const disk = this.#disk;
    if (disk.mayHoldData !== undefined && !(await disk.mayHoldData(offset, view.length))) {
      return false;
    }
    await disk.read(view, offset);
    return true;
  }
}

/** Copies the disk's non-zero pages to the same offsets of `target`; returns the bytes written. */
async function copySparse(
  disk: VirtualDisk,
  target: RandomAccessFile,
  o: OperationOptions & ZeroTestOption,
): Promise<number> {
  const size = disk.virtualSize;
  const length = Math.min(COPY_CHUNK, size);
  const buffers = Array.from({ length: BUFFERS }, () => new Uint8Array(length));
  const reader = new ChunkReader(disk, COPY_CHUNK, buffers);
  let written = 0;
  // The writes of one chunk run while the next chunk is taken and checked.
  const writes = new Writes();
  const writeRuns = async (view: Uint8Array, offset: number, runs: readonly number[]) => {
    for (let r = 0; r < runs.length; r += 2) {
      await target.write(view.subarray(runs[r]!, runs[r + 1]!), offset + runs[r]!);
    }
  };
  try {
    for (let index = 0; index * COPY_CHUNK < size; index++) {
      const offset = index * COPY_CHUNK;
      advance(o, offset, size);
      // Taking chunk `index` reuses the buffers of earlier chunks: their writes must be done.
      await writes.through(index - WRITES_UNDER_WAY - 1);
      if (!(await reader.take(index))) continue;
      const view = reader.view(index);
      // Runs of pages holding data, each one write: [start, end, start, end, ...].
      const runs = dataRuns(view, HOLE_GRAIN, o.isAllZero);
      for (let r = 0; r < runs.length; r += 2) written += runs[r + 1]! - runs[r]!;
      if (runs.length > 0) writes.add(index, () => writeRuns(view, offset, runs));
    }
    await writes.through(Number.POSITIVE_INFINITY);
  } finally {
    await writes.settle();
    await reader.settle();
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
    disk.geometry,
  );
  const blockSize = writer.blockSize;
  const allZero = o.isAllZero ?? isAllZero;
  const stored = Array.from({ length: BUFFERS }, () => writer.blockBuffer());
  const reader = new ChunkReader(
    disk,
    blockSize,
    stored.map((b) => b.subarray(writer.bitmapBytes)),
  );
  // Writes run while the next blocks are taken and checked.
  const writes = new Writes();
  try {
    for (let block = 0; block < writer.blockCount; block++) {
      advance(o, block * blockSize, size);
      // Taking `block` reuses the buffers of earlier blocks: their writes must be done.
      await writes.through(block - WRITES_UNDER_WAY - 1);
      if (!(await reader.take(block))) continue;
      const view = reader.view(block);
      if (allZero(view, 0, view.length)) continue;
      // A last, partial block is stored with zeros after the disk's end.
      const out = stored[block % stored.length]!;
      if (view.length < blockSize) out.fill(0, writer.bitmapBytes + view.length);
      writes.add(block, () => writer.putBlock(block, out));
    }
    await writes.through(Number.POSITIVE_INFINITY);
  } finally {
    await writes.settle();
    await reader.settle();
  }
  const result = await writer.finish();
  advance(o, size, size);
  return result;
}
