import { describe, expect, it } from 'vitest';
import { BITMAP_CACHE_BYTES } from '../engine/bitmap-cache.js';
import type { RandomAccessFile } from '../io.js';
import { baseImage, childImage, firstDifference, MemoryImages } from '../testing/images.js';
import { openChain } from './chain.js';

const BLOCK = 4096;
const SIZE = 16 * BLOCK;

const seeded = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

describe('reading a layer', () => {
  it('reads ranges within one block, across blocks and across bitmap runs of a child', async () => {
    const images = new MemoryImages();
    const base = await baseImage('dynamic', SIZE, BLOCK);
    const model = new Uint8Array(SIZE);
    const parent = await images.open(base);
    const low = seeded(3 * BLOCK);
    await parent.write(low, BLOCK);
    model.set(low, BLOCK);
    await parent.close();
    await images.add(base);
    const child = await childImage(base, 2);
    const chain = await images.open(child);
    const high = seeded(1536).reverse();
    await chain.write(high, 2 * BLOCK + 1024);
    model.set(high, 2 * BLOCK + 1024);
    for (const [offset, length] of [
      [2 * BLOCK + 1024, 1536],
      [2 * BLOCK, BLOCK],
      [2 * BLOCK + 512, 512],
      [BLOCK + 100, 3 * BLOCK],
      [0, SIZE],
    ] as const) {
      // Twice: the first read may load the bitmap, the second finds it cached.
      for (let pass = 0; pass < 2; pass++) {
        const out = new Uint8Array(length);
        await chain.read(out, offset);
        expect(firstDifference(out, model.subarray(offset, offset + length))).toBe(-1);
      }
    }
    await chain.close();
  });
});

describe('the bitmap cache', () => {
  it('holds at most BITMAP_CACHE_BYTES of bitmaps, whatever the block size', async () => {
    // 256 MiB blocks have 64 KiB bitmaps: 32 of them fill the 2 MiB cache.
    const block = 256 * 2 ** 20;
    const blocks = 40;
    const images = new MemoryImages();
    const base = await baseImage('dynamic', blocks * block, block);
    await images.add(base);
    const child = await childImage(base, 2);
    const w = await images.open(child);
    for (let i = 0; i < blocks; i++) await w.write(Uint8Array.of(i + 1), i * block);
    await w.close();
    let bitmapReads = 0;
    const counting: RandomAccessFile = {
      ...child,
      read: (b, p) => {
        if (b.length === BITMAP_CACHE_BYTES / 32) bitmapReads++;
        return child.read(b, p);
      },
      close: async () => undefined,
    };
    const chain = await openChain(counting, { openParent: images.openParent });
    const one = new Uint8Array(2);
    for (let i = 0; i < blocks; i++) {
      await chain.read(one, i * block);
      expect(Array.from(one)).toEqual([i + 1, 0]);
    }
    expect(bitmapReads).toBe(blocks);
    await chain.read(one, (blocks - 1) * block); // among the 32 most recent: cached
    expect(bitmapReads).toBe(blocks);
    await chain.read(one, 0); // evicted: read again
    expect(bitmapReads).toBe(blocks + 1);
    await chain.close();
  });
});
