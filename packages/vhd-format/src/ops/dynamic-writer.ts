/**
 * Writing a new dynamic image front to back, one block at a time, with bounded memory: blocks
 * go out as they come, after a region reserved up front for the BAT (its size is known from the
 * virtual size); the BAT, the header and both footers are written last.
 * @module
 */
import { DISK_TYPE_CODES, FOOTER_SIZE, SECTOR_SIZE } from '../constants.js';
import { type Geometry, geometryForSize } from '../geometry.js';
import { checkBlockSize, newSparseMetadata } from '../image/create-dynamic.js';
import { type CreateOptions, checkVirtualSize, emptyFile } from '../image/options.js';
import type { RandomAccessFile } from '../io.js';
import { HEADER_OFFSET, TABLE_OFFSET } from '../layout.js';
import { batByteSize, emptyBat, encodeBat } from '../structs/bat.js';
import { type DynamicHeader, encodeDynamicHeader } from '../structs/dynamic-header.js';
import { encodeFooter, type Footer } from '../structs/footer.js';
import { bitmapByteSize } from '../structs/sector-bitmap.js';
import type { ConvertResult } from './convert.js';

/**
 * A dynamic image being written into an empty file. Call {@link putBlock} for each block that
 * holds data (in any order, each at most once), then {@link finish}. Until `finish` the file is
 * not an image: write it under a temporary name (atomic creation).
 */
export class DynamicImageWriter {
  /** Bytes per block. */
  readonly blockSize: number;
  /** Bytes of each block's sector bitmap (all set: every sector of the block is present). */
  readonly bitmapBytes: number;
  /** Number of blocks the disk has (BAT entries that cover the virtual size). */
  readonly blockCount: number;
  readonly #file: RandomAccessFile;
  readonly #footer: Footer;
  readonly #header: DynamicHeader;
  readonly #bat: Uint32Array;
  #next: number;
  #allocated = 0;

  private constructor(file: RandomAccessFile, footer: Footer, header: DynamicHeader) {
    this.#file = file;
    this.#footer = footer;
    this.#header = header;
    this.blockSize = header.blockSize;
    this.bitmapBytes = bitmapByteSize(header.blockSize);
    this.blockCount = Math.ceil(footer.currentSize / header.blockSize);
    this.#bat = emptyBat(header.maxTableEntries);
    this.#next = TABLE_OFFSET + batByteSize(header.maxTableEntries);
  }

  /**
   * Starts a dynamic image of exactly `sizeBytes` with blocks of `blockSize` on `file`, emptying
   * it first. `o` gives the footer's creator, time and UUID as for `createDynamic`; `geometry`
   * the footer's CHS geometry (default: the spec's for the size).
   */
  static async start(
    file: RandomAccessFile,
    sizeBytes: number,
    blockSize: number,
    o: CreateOptions,
    geometry?: Geometry,
  ): Promise<DynamicImageWriter> {
    const size = checkVirtualSize(sizeBytes);
    checkBlockSize(blockSize);
    const { footer, header } = newSparseMetadata(
      o,
      DISK_TYPE_CODES.dynamic,
      size,
      geometry ?? geometryForSize(size),
      blockSize,
    );
    await emptyFile(file);
    return new DynamicImageWriter(file, footer, header);
  }

  /** Blocks written so far. */
  get allocatedBlocks(): number {
    return this.#allocated;
  }

  /**
   * A buffer for one block as it is stored: its bitmap (all set) then `blockSize` bytes of data
   * (`subarray(bitmapBytes)`): fill the data and hand it to {@link putBlock}.
   */
  blockBuffer(): Uint8Array {
    const buffer = new Uint8Array(this.bitmapBytes + this.blockSize);
    buffer.fill(0xff, 0, this.bitmapBytes);
    return buffer;
  }

  /**
   * Writes block `index` (`stored` as {@link blockBuffer} lays it out) after the last one. Its
   * place is taken at once, so several writes may be under way; `finish` after they all ended.
   */
  putBlock(index: number, stored: Uint8Array): Promise<void> {
    const at = this.#next;
    this.#next = at + stored.length;
    this.#bat[index] = at / SECTOR_SIZE;
    this.#allocated++;
    return this.#file.write(stored, at);
  }

  /**
   * Writes the BAT, the footer copy and header, and the trailing footer; the image is whole.
   * Resolves to what the conversion made.
   */
  async finish(): Promise<ConvertResult> {
    const footerBytes = encodeFooter(this.#footer);
    await this.#file.write(encodeBat(this.#bat), TABLE_OFFSET);
    const head = new Uint8Array(TABLE_OFFSET);
    head.set(footerBytes, 0);
    head.set(encodeDynamicHeader(this.#header), HEADER_OFFSET);
    await this.#file.write(head, 0);
    await this.#file.write(footerBytes, this.#next);
    return {
      type: 'dynamic',
      virtualSize: this.#footer.currentSize,
      fileSize: this.#next + FOOTER_SIZE,
      dataBytes: this.#allocated * this.blockSize,
      allocatedBlocks: this.#allocated,
    };
  }
}
