/**
 * One opened image and its block engine: the BAT in memory, sector bitmaps cached, reads
 * coalesced into one file read per run of sectors with the same source, straight into the
 * caller's buffer.
 * @module
 */
import { BLOCK_UNUSED, DISK_TYPE_CODES, SECTOR_SIZE } from '../constants.js';
import { VhdFormatError } from '../errors.js';
import { type RandomAccessFile, readExactly } from '../io.js';
import type { DiskType } from '../layout.js';
import { encodeBatEntries } from '../structs/bat.js';
import type { DynamicHeader } from '../structs/dynamic-header.js';
import { encodeFooter, type Footer } from '../structs/footer.js';
import { bitmapByteSize, isSectorSet, runEnd, setSectors } from '../structs/sector-bitmap.js';
import type { ParentReference, VhdImage } from './types.js';

/** Reads `buffer.length` bytes at virtual `offset` from the layers below. */
export type LowerReader = (buffer: Uint8Array, offset: number) => Promise<void>;

/**
 * Largest first write into a new block that goes out in one write with the block's bitmap
 * (copying more costs more than the extra write saves).
 */
const COMBINED_WRITE_MAX = 64 * 1024;

/** Most sector bitmaps kept in memory per layer (least recently used go first). */
const BITMAP_CACHE_ENTRIES = 4096;
/**
 * Most bytes of sector bitmaps kept per layer: 4096 bitmaps of 2 MiB blocks; fewer of larger
 * blocks (32 of 256 MiB blocks), so the block size field cannot scale the cache.
 */
export const BITMAP_CACHE_BYTES = 2 * 2 ** 20;

/** Everything `openImage` learned about a file, handed to the layer. */
export interface LayerState {
  file: RandomAccessFile;
  type: DiskType;
  footer: Footer;
  header: DynamicHeader | undefined;
  bat: Uint32Array;
  /** Where the trailing footer starts: the end of the data, where the next block goes. */
  footerPos: number;
  warnings: string[];
  parent: ParentReference | undefined;
  writable: boolean;
}

/** An opened image. State lives here: the file, the BAT, cached bitmaps, the footer position. */
export class VhdLayer implements VhdImage {
  readonly type: DiskType;
  readonly footer: Footer;
  readonly header: DynamicHeader | undefined;
  readonly virtualSize: number;
  readonly warnings: string[];
  readonly parent: ParentReference | undefined;
  readonly writable: boolean;
  readonly blockSize: number | undefined;
  /** The file underneath. */
  readonly file: RandomAccessFile;
  readonly #bat: Uint32Array;
  readonly #bitmaps = new Map<number, Uint8Array>();
  readonly #bitmapBytes: number;
  readonly #bitmapCacheEntries: number;
  readonly #stride: number;
  readonly #footerBytes: Uint8Array;
  #footerPos: number;
  #closed = false;
  /** The block whose bitmap was used last (already the most recent in the cache). */
  #lastBitmap = -1;
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
    this.#bat = s.bat;
    this.#footerPos = s.footerPos;
    this.#bitmapBytes = s.header ? bitmapByteSize(s.header.blockSize) : 0;
    this.#bitmapCacheEntries = Math.max(
      1,
      Math.min(BITMAP_CACHE_ENTRIES, Math.floor(BITMAP_CACHE_BYTES / (this.#bitmapBytes || 1))),
    );
    this.#stride = this.#bitmapBytes + (s.header?.blockSize ?? 0);
    this.#footerBytes = encodeFooter(s.footer);
  }

  /** Blocks the BAT marks allocated. */
  get allocatedBlockCount(): number {
    let n = 0;
    for (const e of this.#bat) if (e !== BLOCK_UNUSED) n++;
    return n;
  }

  /** The BAT entry (sector offset of the block, or 0xFFFFFFFF) of block `index`. */
  batEntry(index: number): number {
    return this.#bat[index] ?? BLOCK_UNUSED;
  }

  /** Number of BAT entries. */
  get batLength(): number {
    return this.#bat.length;
  }

  /** Whether the layer is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => undefined);
    this.#bitmaps.clear();
    await this.file.close();
  }

  #ensureOpen(): void {
    if (this.#closed) throw new VhdFormatError('CLOSED', 'the image is closed');
  }

  /** The cached sector bitmap of block `index`, marked most recently used; undefined when not cached. */
  #cachedBitmap(index: number): Uint8Array | undefined {
    const cached = this.#bitmaps.get(index);
    if (cached !== undefined && this.#lastBitmap !== index) {
      this.#bitmaps.delete(index);
      this.#bitmaps.set(index, cached);
      this.#lastBitmap = index;
    }
    return cached;
  }

  /** The sector bitmap of allocated block `index` (cached). */
  async bitmap(index: number, entry: number): Promise<Uint8Array> {
    const cached = this.#cachedBitmap(index);
    if (cached) return cached;
    const bitmap = new Uint8Array(this.#bitmapBytes);
    await readExactly(this.file, bitmap, entry * SECTOR_SIZE, `bitmap of block ${index}`);
    this.#cacheBitmap(index, bitmap);
    return bitmap;
  }

  #cacheBitmap(index: number, bitmap: Uint8Array): void {
    this.#bitmaps.delete(index);
    if (this.#bitmaps.size >= this.#bitmapCacheEntries) {
      const oldest = this.#bitmaps.keys().next().value;
      if (oldest !== undefined) this.#bitmaps.delete(oldest);
    }
    this.#bitmaps.set(index, bitmap);
    this.#lastBitmap = index;
  }

  /** `buffer` at `offset` from the layers below (differencing) or as zeros. */
  #fromLower(buffer: Uint8Array, offset: number, lower: LowerReader | undefined): Promise<void> {
    if (lower && this.type === 'differencing') return lower(buffer, offset);
    buffer.fill(0);
    return Promise.resolve();
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
    const blockSize = this.blockSize!;
    const block = Math.floor(offset / blockSize);
    const blockStart = block * blockSize;
    const end = offset + buffer.length;
    if (end <= blockStart + blockSize) {
      const entry = this.#bat[block] ?? BLOCK_UNUSED;
      if (entry === BLOCK_UNUSED) return this.#fromLower(buffer, offset, lower);
      const dataPos = entry * SECTOR_SIZE + this.#bitmapBytes + (offset - blockStart);
      if (this.type === 'dynamic') return readExactly(this.file, buffer, dataPos, 'block data');
      const bitmap = this.#cachedBitmap(block);
      if (bitmap !== undefined) {
        const s = Math.floor((offset - blockStart) / SECTOR_SIZE);
        const sEnd = Math.ceil((end - blockStart) / SECTOR_SIZE);
        if (runEnd(bitmap, s, sEnd) === sEnd) {
          return isSectorSet(bitmap, s)
            ? readExactly(this.file, buffer, dataPos, 'block data')
            : this.#fromLower(buffer, offset, lower);
        }
      }
    }
    return this.#readPieces(buffer, offset, lower);
  }

  /** The general case of `read`: pieces from several blocks or sources, read concurrently. */
  async #readPieces(
    buffer: Uint8Array,
    offset: number,
    lower: LowerReader | undefined,
  ): Promise<void> {
    const blockSize = this.blockSize!;
    const differencing = this.type === 'differencing';
    const tasks: Promise<void>[] = [];
    let lowerStart = 0;
    let lowerEnd = 0;
    const flushLower = () => {
      if (lowerEnd > lowerStart) {
        const sub = buffer.subarray(lowerStart - offset, lowerEnd - offset);
        if (differencing && lower) tasks.push(lower(sub, lowerStart));
        else sub.fill(0);
      }
      lowerStart = lowerEnd = 0;
    };
    const addLower = (a: number, b: number) => {
      if (lowerEnd === a && lowerEnd > lowerStart) lowerEnd = b;
      else {
        flushLower();
        lowerStart = a;
        lowerEnd = b;
      }
    };
    const readFile = (a: number, b: number, filePos: number) => {
      flushLower();
      tasks.push(
        readExactly(this.file, buffer.subarray(a - offset, b - offset), filePos, 'block data'),
      );
    };
    const end = offset + buffer.length;
    let pos = offset;
    try {
      while (pos < end) {
        const block = Math.floor(pos / blockSize);
        const blockStart = block * blockSize;
        const pieceEnd = Math.min(end, blockStart + blockSize);
        const entry = this.#bat[block] ?? BLOCK_UNUSED;
        if (entry === BLOCK_UNUSED) {
          addLower(pos, pieceEnd);
        } else {
          const dataPos = entry * SECTOR_SIZE + this.#bitmapBytes;
          if (!differencing) {
            readFile(pos, pieceEnd, dataPos + (pos - blockStart));
          } else {
            const bitmap = await this.bitmap(block, entry);
            let s = Math.floor((pos - blockStart) / SECTOR_SIZE);
            const sEnd = Math.ceil((pieceEnd - blockStart) / SECTOR_SIZE);
            while (s < sEnd) {
              const e = runEnd(bitmap, s, sEnd);
              const a = Math.max(pos, blockStart + s * SECTOR_SIZE);
              const b = Math.min(pieceEnd, blockStart + e * SECTOR_SIZE);
              if (isSectorSet(bitmap, s)) readFile(a, b, dataPos + (a - blockStart));
              else addLower(a, b);
              s = e;
            }
          }
        }
        pos = pieceEnd;
      }
      flushLower();
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
      let entry = this.#bat[block] ?? BLOCK_UNUSED;
      const piece = buffer.subarray(pos - offset, pieceEnd - offset);
      if (entry === BLOCK_UNUSED) {
        if (this.type === 'dynamic') {
          // The new block's data goes in before its BAT entry.
          await this.#allocate(block, piece, pos - blockStart);
          pos = pieceEnd;
          continue;
        }
        entry = await this.#allocate(block);
      }
      if (this.type === 'dynamic') {
        await this.file.write(piece, entry * SECTOR_SIZE + this.#bitmapBytes + (pos - blockStart));
      } else {
        await this.#writeDifferencing(block, entry, blockStart, pos, piece, lower);
      }
      pos = pieceEnd;
    }
  }

  async #writeDifferencing(
    block: number,
    entry: number,
    blockStart: number,
    pos: number,
    piece: Uint8Array,
    lower: LowerReader | undefined,
  ): Promise<void> {
    const bitmap = await this.bitmap(block, entry);
    const dataPos = entry * SECTOR_SIZE + this.#bitmapBytes;
    const pieceEnd = pos + piece.length;
    const s0 = Math.floor((pos - blockStart) / SECTOR_SIZE);
    const s1 = Math.ceil((pieceEnd - blockStart) / SECTOR_SIZE);
    let directStart = pos;
    let directEnd = pieceEnd;
    // A partly written sector that is not here yet starts from the lower layers' bytes.
    const merge = async (sector: number) => {
      const sectorStart = blockStart + sector * SECTOR_SIZE;
      const sectorBytes = new Uint8Array(SECTOR_SIZE);
      if (lower) await lower(sectorBytes, sectorStart);
      const a = Math.max(pos, sectorStart);
      const b = Math.min(pieceEnd, sectorStart + SECTOR_SIZE);
      sectorBytes.set(piece.subarray(a - pos, b - pos), a - sectorStart);
      await this.file.write(sectorBytes, dataPos + sector * SECTOR_SIZE);
    };
    const firstStart = blockStart + s0 * SECTOR_SIZE;
    if ((pos !== firstStart || pieceEnd < firstStart + SECTOR_SIZE) && !isSectorSet(bitmap, s0)) {
      await merge(s0);
      directStart = Math.min(pieceEnd, firstStart + SECTOR_SIZE);
    }
    const lastStart = blockStart + (s1 - 1) * SECTOR_SIZE;
    if (s1 - 1 > s0 && pieceEnd !== lastStart + SECTOR_SIZE && !isSectorSet(bitmap, s1 - 1)) {
      await merge(s1 - 1);
      directEnd = lastStart;
    }
    if (directEnd > directStart) {
      await this.file.write(
        piece.subarray(directStart - pos, directEnd - pos),
        dataPos + (directStart - blockStart),
      );
    }
    // Set the bits last, so an interrupted write leaves the old contents visible.
    const firstByte = s0 >>> 3;
    const lastByte = (s1 - 1) >>> 3;
    let changed = false;
    for (let i = firstByte; i <= lastByte && !changed; i++) {
      if (bitmap[i] !== 0xff) changed = true;
    }
    if (changed) {
      const before = bitmap.slice(firstByte, lastByte + 1);
      setSectors(bitmap, s0, s1 - s0);
      const after = bitmap.subarray(firstByte, lastByte + 1);
      let differs = false;
      for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) differs = true;
      if (differs) {
        const from = Math.floor(firstByte / SECTOR_SIZE) * SECTOR_SIZE;
        const to = Math.ceil((lastByte + 1) / SECTOR_SIZE) * SECTOR_SIZE;
        try {
          await this.file.write(bitmap.subarray(from, to), entry * SECTOR_SIZE + from);
        } catch (e) {
          this.#bitmaps.delete(block);
          throw e;
        }
      }
    }
  }

  /**
   * Allocates block `index` where the footer was. In this order, so that a crash at any point
   * leaves a file that opens with every acknowledged write: the footer at the new end of file
   * (the file grows, and the block's bytes read as zeros), the bitmap over the old footer (all
   * set for a dynamic disk, whose unwritten sectors are zeros; all clear for a differencing
   * disk), `data` (if given) at `dataOffset` in the block, and last the BAT entry.
   *
   * No truncate is needed: the trailing footer is always found in the last 512 (or 511) bytes
   * of the file, so nothing lies past it that the new block could take in. A small `data` at
   * the start of the block goes out in the same write as the bitmap.
   */
  async #allocate(index: number, data?: Uint8Array, dataOffset = 0): Promise<number> {
    const position = Math.ceil(this.#footerPos / SECTOR_SIZE) * SECTOR_SIZE;
    const sector = position / SECTOR_SIZE;
    if (sector >= BLOCK_UNUSED) {
      throw new VhdFormatError('OUT_OF_RANGE', 'the file is too large for another block', {
        offset: position,
      });
    }
    const newEnd = position + this.#stride;
    await this.file.write(this.#footerBytes, newEnd);
    this.#footerPos = newEnd;
    const combine = data !== undefined && dataOffset === 0 && data.length <= COMBINED_WRITE_MAX;
    const head = new Uint8Array(this.#bitmapBytes + (combine ? data.length : 0));
    const bitmap = head.subarray(0, this.#bitmapBytes);
    if (this.footer.diskType === DISK_TYPE_CODES.dynamic) bitmap.fill(0xff);
    if (combine) head.set(data, this.#bitmapBytes);
    await this.file.write(head, position);
    if (data !== undefined && !combine) {
      await this.file.write(data, position + this.#bitmapBytes + dataOffset);
    }
    const entryBytes = new Uint8Array(4);
    this.#bat[index] = sector;
    encodeBatEntries(this.#bat, index, 1, entryBytes, 0);
    await this.file.write(entryBytes, this.header!.tableOffset + index * 4);
    this.#cacheBitmap(index, combine ? bitmap.slice() : bitmap);
    return sector;
  }

  /** Where the trailing footer currently starts. */
  get footerPosition(): number {
    return this.#footerPos;
  }
}
