import { describe, expect, it } from 'vitest';
import { memoryFile, type RandomAccessFile } from '../io.js';
import { baseImage, childImage, firstDifference, MemoryImages } from '../testing/images.js';
import { openChain } from './chain.js';
import { BITMAP_CACHE_BYTES } from './layer.js';

type Call =
  | { op: 'write'; position: number; bytes: Uint8Array }
  | { op: 'truncate'; length: number };

/** `file`, recording every write and truncate (with a copy of the bytes) into `calls`. */
function recording(file: RandomAccessFile, calls: Call[]): RandomAccessFile {
  return {
    read: (b, p) => file.read(b, p),
    write: (b, p) => {
      calls.push({ op: 'write', position: p, bytes: b.slice() });
      return file.write(b, p);
    },
    size: () => file.size(),
    truncate: (n) => {
      calls.push({ op: 'truncate', length: n });
      return file.truncate(n);
    },
    sync: () => file.sync(),
    close: () => file.close(),
  };
}

const BLOCK = 4096;
const SIZE = 16 * BLOCK;

/** An empty dynamic image and the calls one chain write into it makes. */
async function recordWrite(data: Uint8Array, offset: number) {
  const image = await baseImage('dynamic', SIZE, BLOCK);
  const before = image.bytes();
  const calls: Call[] = [];
  const chain = await openChain(recording(image, calls), {
    openParent: async () => undefined,
    writable: true,
  });
  await chain.write(data, offset);
  await chain.close();
  return { before, calls, after: image.bytes() };
}

const seeded = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

describe('allocating a dynamic block', () => {
  it('writes the footer, then bitmap and data together, then the BAT entry, with no truncate', async () => {
    const { before, calls, after } = await recordWrite(seeded(1024), 2 * BLOCK);
    expect(calls.map((c) => c.op)).toEqual(['write', 'write', 'write']);
    const [footer, head, entry] = calls as Array<Extract<Call, { op: 'write' }>>;
    expect(footer!.bytes).toHaveLength(512);
    expect(footer!.position).toBe(after.length - 512);
    expect(head!.position).toBe(before.length - 512);
    expect(head!.bytes).toHaveLength(512 + 1024);
    expect(entry!.bytes).toHaveLength(4);
  });

  it('writes a large first piece after the bitmap and before the BAT entry', async () => {
    const { calls } = await recordWrite(seeded(BLOCK - 512), 3 * BLOCK + 512);
    const writes = calls as Array<Extract<Call, { op: 'write' }>>;
    expect(writes.map((c) => c.bytes.length)).toEqual([512, 512, BLOCK - 512, 4]);
  });

  it('leaves, after every prefix of its writes, a file that opens strictly and reads old or new bytes', async () => {
    for (const [data, offset] of [
      [seeded(1024), 2 * BLOCK],
      [seeded(BLOCK + 700), 5 * BLOCK + 100],
    ] as const) {
      const { before, calls } = await recordWrite(data, offset);
      for (let k = 0; k <= calls.length; k++) {
        const file = memoryFile(before);
        for (const c of calls.slice(0, k)) {
          if (c.op === 'write') await file.write(c.bytes, c.position);
          else await file.truncate(c.length);
        }
        const chain = await openChain(file, { openParent: async () => undefined, strict: true });
        const back = new Uint8Array(data.length);
        await chain.read(back, offset);
        const zeros = new Uint8Array(data.length);
        // Each block is either still unallocated (zeros) or holds the new bytes.
        for (let at = 0; at < data.length; ) {
          const blockEnd = (Math.floor((offset + at) / BLOCK) + 1) * BLOCK;
          const n = Math.min(blockEnd - offset, data.length) - at;
          const got = back.subarray(at, at + n);
          const ok =
            firstDifference(got, data.subarray(at, at + n)) === -1 ||
            firstDifference(got, zeros.subarray(0, n)) === -1;
          expect(ok, `prefix ${k}, byte ${at}`).toBe(true);
          at += n;
        }
        if (k === calls.length) expect(firstDifference(back, data)).toBe(-1);
        await chain.close();
      }
    }
  });
});

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
