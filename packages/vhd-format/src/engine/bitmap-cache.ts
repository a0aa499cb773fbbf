/**
 * The sector bitmaps of one layer's blocks, read on demand and kept in a least-recently-used
 * cache bounded in entries and in bytes, so a large block size cannot grow it.
 * @module
 */
import { SECTOR_SIZE } from '../constants.js';
import { type RandomAccessFile, readExactly } from '../io.js';

/** Most sector bitmaps kept in memory per layer (least recently used go first). */
export const BITMAP_CACHE_ENTRIES = 4096;
/**
 * Most bytes of sector bitmaps kept per layer: 4096 bitmaps of 2 MiB blocks; fewer of larger
 * blocks (32 of 256 MiB blocks), so the block size field cannot scale the cache.
 */
export const BITMAP_CACHE_BYTES = 2 * 2 ** 20;

/** Bitmaps a cache holds for bitmaps of `bitmapBytes` bytes: at least one. */
export function bitmapCacheEntries(bitmapBytes: number): number {
  return Math.max(
    1,
    Math.min(BITMAP_CACHE_ENTRIES, Math.floor(BITMAP_CACHE_BYTES / (bitmapBytes || 1))),
  );
}

/** The cached sector bitmaps of one layer's blocks. State: the map in recency order. */
export class BitmapCache {
  /** Bytes of each bitmap. */
  readonly bitmapBytes: number;
  /** Most bitmaps held. */
  readonly capacity: number;
  readonly #file: RandomAccessFile;
  readonly #bitmaps = new Map<number, Uint8Array>();
  /** The block whose bitmap was used last (already the most recent in the map). */
  #last = -1;

  constructor(file: RandomAccessFile, bitmapBytes: number) {
    this.#file = file;
    this.bitmapBytes = bitmapBytes;
    this.capacity = bitmapCacheEntries(bitmapBytes);
  }

  /** Bitmaps held now. */
  get size(): number {
    return this.#bitmaps.size;
  }

  /** The cached bitmap of block `index`, marked most recently used; undefined when not cached. */
  cached(index: number): Uint8Array | undefined {
    const cached = this.#bitmaps.get(index);
    if (cached !== undefined && this.#last !== index) {
      this.#bitmaps.delete(index);
      this.#bitmaps.set(index, cached);
      this.#last = index;
    }
    return cached;
  }

  /** The bitmap of allocated block `index` whose BAT entry is `entry`: cached, or read and cached. */
  async get(index: number, entry: number): Promise<Uint8Array> {
    const cached = this.cached(index);
    if (cached) return cached;
    const bitmap = new Uint8Array(this.bitmapBytes);
    await readExactly(this.#file, bitmap, entry * SECTOR_SIZE, `bitmap of block ${index}`);
    this.put(index, bitmap);
    return bitmap;
  }

  /** Caches `bitmap` as block `index`'s, evicting the least recently used when full. */
  put(index: number, bitmap: Uint8Array): void {
    this.#bitmaps.delete(index);
    if (this.#bitmaps.size >= this.capacity) {
      const oldest = this.#bitmaps.keys().next().value;
      if (oldest !== undefined) this.#bitmaps.delete(oldest);
    }
    this.#bitmaps.set(index, bitmap);
    this.#last = index;
  }

  /** Forgets block `index`'s bitmap (its cached copy may no longer match the file). */
  delete(index: number): void {
    this.#bitmaps.delete(index);
    if (this.#last === index) this.#last = -1;
  }

  /** Forgets every bitmap. */
  clear(): void {
    this.#bitmaps.clear();
    this.#last = -1;
  }
}
