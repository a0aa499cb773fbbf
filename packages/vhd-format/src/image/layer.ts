/**
 * One opened image: the stateful layer that composes the block engine (`../engine/`): its
 * block allocation table, its sector bitmap cache, read plans that turn each run of sectors
 * with the same source into one read straight into the caller's buffer, the differencing write
 * and block allocation. Writes are serialized per layer.
 * @module
 */
import { BLOCK_UNUSED, DISK_TYPE_CODES, FOOTER_SIZE, SECTOR_SIZE } from '../constants.js';
import { allocateBlock, type DataEnd } from '../engine/allocation.js';
import { BitmapCache } from '../engine/bitmap-cache.js';
import type { BlockTable } from '../engine/block-table.js';
import { writeDifferencing } from '../engine/differencing-write.js';
import { type LowerReader, readLower } from '../engine/lower-reader.js';
import { directPiece, type PlanSource, planRead, type ReadPiece } from '../engine/read-plan.js';
import { VhdFormatError } from '../errors.js';
import { type RandomAccessFile, readExactly } from '../io.js';
import type { DiskType } from '../layout.js';
import type { DynamicHeader } from '../structs/dynamic-header.js';
import { encodeFooter, type Footer } from '../structs/footer.js';
import { bitmapByteSize } from '../structs/sector-bitmap.js';
import type { ParentReference, VhdImage } from './types.js';

export type { LowerReader } from '../engine/lower-reader.js';

/** Everything `openImage` learned about a file, handed to the layer. */
export interface LayerState {
  file: RandomAccessFile;
  type: DiskType;
  footer: Footer;
  header: DynamicHeader | undefined;
  /** The block allocation table (undefined for a fixed disk). */
  table: BlockTable | undefined;
  /** Where the trailing footer starts: the end of the data, where the next block goes. */
  footerPos: number;
  warnings: string[];
  parent: ParentReference | undefined;
  writable: boolean;
}

/**
 * An opened image. State lives here: the file, the BAT (its pages in a cache shared with the
 * other layers of a chain), cached bitmaps, the footer position.
 */
export class VhdLayer implements VhdImage {
  readonly type: DiskType;
  readonly footer: Footer;
  readonly header: DynamicHeader | undefined;
  readonly virtualSize: number;
  readonly warnings: string[];
  readonly parent: ParentReference | undefined;
  readonly writable: boolean;
  readonly blockSize: number | undefined;
  /** Bytes of each block's bitmap (0 for a fixed disk). */
  readonly bitmapBytes: number;
  /** Whether this is a differencing layer. */
  readonly differencing: boolean;
  /** The file underneath. */
  readonly file: RandomAccessFile;
  /** The block allocation table (undefined for a fixed disk). */
  readonly table: BlockTable | undefined;
  /** The layer's cached sector bitmaps. */
  readonly bitmaps: BitmapCache;
  readonly #stride: number;
  /** What read plans need to know of this layer. */
  readonly #plan: PlanSource;
  readonly #footerBytes: Uint8Array;
  readonly #end: DataEnd;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(s: LayerState) {
    this.file = s.file;
    this.type = s.type;
    this.footer = s.footer;
    this.header = s.header;
    this.virtualSize = s.footer.currentSize;
    this.warnings = s.warnings;
    this.parent = s.parent;
    this.writable = s.writable;
    this.blockSize = s.header?.blockSize;
    this.differencing = s.type === 'differencing';
    this.table = s.table;
    this.#end = { footerPos: s.footerPos };
    this.bitmapBytes = s.header ? bitmapByteSize(s.header.blockSize) : 0;
    this.bitmaps = new BitmapCache(s.file, this.bitmapBytes);
    this.#stride = this.bitmapBytes + (this.blockSize ?? 0);
    this.#plan = {
      blockSize: this.blockSize ?? 0,
      bitmapBytes: this.bitmapBytes,
      differencing: this.differencing,
      entry: (block) => this.table!.peek(block),
      loadEntry: (block) => this.table!.get(block),
      cachedBitmap: (block) => this.bitmaps.cached(block),
      bitmap: (block, entry) => this.bitmaps.get(block, entry),
    };
    this.#footerBytes = encodeFooter(s.footer);
  }

  /** Blocks the BAT marks allocated (counted when the image was opened, kept up to date). */
  get allocatedBlockCount(): number {
    return this.table?.allocatedCount ?? 0;
  }

  /** The BAT entry (sector offset of the block, or 0xFFFFFFFF) of block `index`. */
  entry(index: number): Promise<number> {
    return this.table?.get(index) ?? Promise.resolve(BLOCK_UNUSED);
  }

  /** Number of BAT entries. */
  get batLength(): number {
    return this.table?.length ?? 0;
  }

  /** Whether the layer is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Where the trailing footer currently starts. */
  get footerPosition(): number {
    return this.#end.footerPos;
  }

  /**
   * Writes the trailing footer again when the 512 bytes at its place are zeros: the state a power
   * cut leaves when the file's new size outlived the footer written at its new end (an open
   * read the footer copy at 0 then). Whether it wrote; the caller syncs. Nothing else is
   * touched: bytes there that are not all zeros are not this state and stay as they are.
   */
  async mendUnwrittenFooter(): Promise<boolean> {
    this.#ensureOpen();
    if (!this.writable) return false;
    const at = this.#end.footerPos;
    const tail = new Uint8Array(FOOTER_SIZE);
    const n = await this.file.read(tail, at);
    if (n !== FOOTER_SIZE || !tail.every((b) => b === 0)) return false;
    await this.file.write(this.#footerBytes, at);
    return true;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => undefined);
    this.bitmaps.clear();
    this.table?.release();
    await this.file.close();
  }

  #ensureOpen(): void {
    if (this.#closed) throw new VhdFormatError('CLOSED', 'the image is closed');
  }

  /** The sector bitmap of allocated block `index` (cached). */
  bitmap(index: number, entry: number): Promise<Uint8Array> {
    return this.bitmaps.get(index, entry);
  }

  /**
   * Calls `emit` with each piece of `[offset, end)` in order, as a read takes it: from this
   * layer's file (at `filePos`) or from below (the parent for a differencing layer, else zeros).
   * A fixed layer holds every byte at the same offset of its file. No data is read.
   */
  async plan(offset: number, end: number, emit: (piece: ReadPiece) => void): Promise<void> {
    this.#ensureOpen();
    if (end <= offset) return;
    if (this.type === 'fixed') {
      emit({ source: 'file', start: offset, end, filePos: offset });
      return;
    }
    await planRead(this.#plan, offset, end, emit);
  }

  /**
   * Reads `buffer.length` bytes at virtual `offset` (already range-checked). Ranges this layer
   * does not hold go to `lower` (the layers below) for a differencing disk, or read as zeros.
   * Adjacent ranges with the same source become one read. A range inside one block with one
   * source (the usual case) goes straight to that source, with no bookkeeping.
   */
  read(buffer: Uint8Array, offset: number, lower: LowerReader | undefined): Promise<void> {
    if (this.#closed) return Promise.reject(new VhdFormatError('CLOSED', 'the image is closed'));
    if (buffer.length === 0) return Promise.resolve();
    if (this.type === 'fixed') return readExactly(this.file, buffer, offset, 'fixed disk data');
    const piece = directPiece(this.#plan, offset, offset + buffer.length);
    if (piece === undefined) return this.#readPieces(buffer, offset, lower);
    if (piece.source === 'file') return readExactly(this.file, buffer, piece.filePos, 'block data');
    return readLower(buffer, offset, lower, this.differencing);
  }

  /** The general case of `read`: pieces from several blocks or sources, read concurrently. */
  async #readPieces(
    buffer: Uint8Array,
    offset: number,
    lower: LowerReader | undefined,
  ): Promise<void> {
    const tasks: Promise<void>[] = [];
    try {
      await planRead(this.#plan, offset, offset + buffer.length, (p) => {
        const sub = buffer.subarray(p.start - offset, p.end - offset);
        if (p.source === 'file') tasks.push(readExactly(this.file, sub, p.filePos, 'block data'));
        else if (this.differencing && lower) tasks.push(lower(sub, p.start));
        else sub.fill(0);
      });
    } finally {
      await Promise.allSettled(tasks);
    }
    await Promise.all(tasks);
  }

  /**
   * Writes `buffer` at virtual `offset` (already range-checked). Differencing: only the
   * sectors written get their bit set; a partly written sector not yet here is first filled
   * from `lower`. Writes are serialized per layer.
   */
  write(buffer: Uint8Array, offset: number, lower: LowerReader | undefined): Promise<void> {
    const run = this.#queue.then(() => this.#write(buffer, offset, lower));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #write(buffer: Uint8Array, offset: number, lower: LowerReader | undefined): Promise<void> {
    this.#ensureOpen();
    if (!this.writable) throw new VhdFormatError('READ_ONLY', 'the image was opened read-only');
    if (buffer.length === 0) return;
    if (this.type === 'fixed') {
      await this.file.write(buffer, offset);
      return;
    }
    const blockSize = this.blockSize!;
    const end = offset + buffer.length;
    let pos = offset;
    while (pos < end) {
      const block = Math.floor(pos / blockSize);
      const blockStart = block * blockSize;
      const pieceEnd = Math.min(end, blockStart + blockSize);
      let entry = await this.table!.get(block);
      const piece = buffer.subarray(pos - offset, pieceEnd - offset);
      if (entry === BLOCK_UNUSED) {
        if (!this.differencing) {
          // The new block's data goes in before its BAT entry.
          await this.#allocate(block, piece, pos - blockStart);
          pos = pieceEnd;
          continue;
        }
        entry = await this.#allocate(block);
      }
      if (!this.differencing) {
        await this.file.write(piece, entry * SECTOR_SIZE + this.bitmapBytes + (pos - blockStart));
      } else {
        await writeDifferencing(this, { block, entry, blockStart, pos, bytes: piece }, lower);
      }
      pos = pieceEnd;
    }
  }

  /** Allocates block `index` (see `allocateBlock` for the order of writes). */
  #allocate(index: number, data?: Uint8Array, dataOffset = 0): Promise<number> {
    return allocateBlock(
      {
        file: this.file,
        table: this.table!,
        bitmaps: this.bitmaps,
        footerBytes: this.#footerBytes,
        stride: this.#stride,
        bitmapsSet: this.footer.diskType === DISK_TYPE_CODES.dynamic,
        end: this.#end,
      },
      index,
      data,
      dataOffset,
    );
  }
}
