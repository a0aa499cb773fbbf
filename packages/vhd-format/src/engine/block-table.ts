/**
 * The block allocation table of one layer: the sector of each block's bitmap, or
 * {@link BLOCK_UNUSED}, and the write of one entry to the file.
 * @module
 */
import { BLOCK_UNUSED } from '../constants.js';
import type { RandomAccessFile } from '../io.js';
import { encodeBatEntries } from '../structs/bat.js';

/** The BAT of one layer, held in memory. State: the entries. */
export class BlockTable {
  readonly #file: RandomAccessFile;
  readonly #tableOffset: number;
  readonly #entries: Uint32Array;

  /** The table of `entries`, stored at byte `tableOffset` of `file`. */
  constructor(file: RandomAccessFile, tableOffset: number, entries: Uint32Array) {
    this.#file = file;
    this.#tableOffset = tableOffset;
    this.#entries = entries;
  }

  /** Number of entries. */
  get length(): number {
    return this.#entries.length;
  }

  /** Entries that are not {@link BLOCK_UNUSED}. */
  get allocatedCount(): number {
    let n = 0;
    for (const e of this.#entries) if (e !== BLOCK_UNUSED) n++;
    return n;
  }

  /** Entry `index`: the sector of the block's bitmap, or {@link BLOCK_UNUSED}. */
  get(index: number): number {
    return this.#entries[index] ?? BLOCK_UNUSED;
  }

  /** Sets entry `index` to `sector` and writes it (4 bytes) to the file. */
  async set(index: number, sector: number): Promise<void> {
    const bytes = new Uint8Array(4);
    this.#entries[index] = sector;
    encodeBatEntries(this.#entries, index, 1, bytes, 0);
    await this.#file.write(bytes, this.#tableOffset + index * 4);
  }
}
