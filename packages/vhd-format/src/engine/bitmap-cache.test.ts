import { describe, expect, it } from 'vitest';
import { memoryFile } from '../io.js';
import {
  BITMAP_CACHE_BYTES,
  BITMAP_CACHE_ENTRIES,
  BitmapCache,
  bitmapCacheEntries,
} from './bitmap-cache.js';

describe('BitmapCache', () => {
  it('holds BITMAP_CACHE_ENTRIES small bitmaps, and fewer large ones within BITMAP_CACHE_BYTES', () => {
    expect(bitmapCacheEntries(512)).toBe(BITMAP_CACHE_ENTRIES);
    expect(bitmapCacheEntries(64 * 1024)).toBe(BITMAP_CACHE_BYTES / (64 * 1024));
    expect(bitmapCacheEntries(4 * BITMAP_CACHE_BYTES)).toBe(1);
  });

  it('evicts the least recently used bitmap, counting a lookup as a use', async () => {
    const file = memoryFile(new Uint8Array(4 * BITMAP_CACHE_BYTES));
    const cache = new BitmapCache(file, BITMAP_CACHE_BYTES / 2);
    expect(cache.capacity).toBe(2);
    await cache.get(0, 0);
    await cache.get(1, 4096);
    expect(cache.cached(0)).toBeDefined(); // 0 is now the most recent
    await cache.get(2, 8192);
    expect(cache.cached(1)).toBeUndefined();
    expect(cache.cached(0)).toBeDefined();
    expect(cache.size).toBe(2);
  });

  it('reads a bitmap once from the entry sector, then serves it from memory', async () => {
    const bytes = new Uint8Array(8192);
    bytes[1024] = 0x80;
    let reads = 0;
    const file = memoryFile(bytes);
    const counting = {
      ...file,
      read: (b: Uint8Array, p: number) => {
        reads++;
        return file.read(b, p);
      },
    };
    const cache = new BitmapCache(counting, 512);
    expect((await cache.get(5, 2))[0]).toBe(0x80);
    expect((await cache.get(5, 2))[0]).toBe(0x80);
    expect(reads).toBe(1);
    cache.delete(5);
    await cache.get(5, 2);
    expect(reads).toBe(2);
  });
});
