import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbWrite } from '../testing/arbitraries.js';
import { baseImage, childImage, MemoryImages } from '../testing/images.js';

const BLOCK = 4096;

describe('VhdChain.isAllocated', () => {
  it('is false for a new dynamic disk, true for a fixed one', async () => {
    for (const [type, expected] of [
      ['dynamic', false],
      ['fixed', true],
    ] as const) {
      const chain = await new MemoryImages().open(await baseImage(type, 64 * 1024, BLOCK));
      expect(await chain.isAllocated(0, 64 * 1024)).toBe(expected);
      await chain.close();
    }
  });

  it('answers per block: a one-byte write allocates its block and no other', async () => {
    const chain = await new MemoryImages().open(await baseImage('dynamic', 64 * 1024, BLOCK));
    await chain.write(Uint8Array.of(7), 3 * BLOCK + 100);
    expect(await chain.isAllocated(3 * BLOCK, BLOCK)).toBe(true);
    expect(await chain.isAllocated(3 * BLOCK + 4000, 1)).toBe(true);
    expect(await chain.isAllocated(2 * BLOCK, BLOCK)).toBe(false);
    expect(await chain.isAllocated(4 * BLOCK, BLOCK)).toBe(false);
    expect(await chain.isAllocated(2 * BLOCK + 10, BLOCK)).toBe(true);
    expect(await chain.isAllocated(5 * BLOCK, 0)).toBe(false);
    await chain.close();
  });

  it("sees a parent's blocks through a child, and a child's own", async () => {
    const images = new MemoryImages();
    const base = await baseImage('dynamic', 64 * 1024, BLOCK);
    const parent = await images.open(base);
    await parent.write(Uint8Array.of(1), 1 * BLOCK);
    await parent.close();
    await images.add(base);
    const child = await images.open(await childImage(base, 2));
    await child.write(Uint8Array.of(2), 5 * BLOCK);
    expect(await child.isAllocated(1 * BLOCK, BLOCK)).toBe(true);
    expect(await child.isAllocated(5 * BLOCK, BLOCK)).toBe(true);
    expect(await child.isAllocated(3 * BLOCK, 2 * BLOCK)).toBe(false);
    await child.close();
  });

  it('refuses a range outside the disk with OUT_OF_RANGE', async () => {
    const chain = await new MemoryImages().open(await baseImage('dynamic', 64 * 1024, BLOCK));
    for (const [offset, length] of [
      [64 * 1024, 1],
      [-1, 1],
      [0, 64 * 1024 + 1],
      [0.5, 1],
    ] as const) {
      await expect(chain.isAllocated(offset, length)).rejects.toMatchObject({
        code: 'OUT_OF_RANGE',
      });
    }
    await chain.close();
  });

  it('never says false over data, and says true over every write, in chains of depth 0..3', async () => {
    const SIZE = 128 * 512;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'dynamic' | 'fixed'>('dynamic', 'dynamic', 'fixed'),
        fc.constantFrom(512, 4096, 16384),
        fc.array(fc.array(arbWrite(SIZE, 6000), { maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(arbWrite(SIZE, 20_000), { minLength: 1, maxLength: 6 }),
        async (baseType, blockSize, layers, probes) => {
          const images = new MemoryImages();
          let top = await baseImage(baseType, SIZE, blockSize);
          for (const [level, writes] of layers.entries()) {
            if (level > 0) {
              await images.add(top);
              top = await childImage(top, level + 1);
            }
            const chain = await images.open(top);
            for (const w of writes) await chain.write(w.data, w.offset);
            await chain.close();
          }
          const chain = await images.open(top, false);
          for (const w of layers.flat()) {
            expect(await chain.isAllocated(w.offset, w.data.length)).toBe(true);
          }
          for (const p of probes) {
            if (await chain.isAllocated(p.offset, p.data.length)) continue;
            const bytes = new Uint8Array(p.data.length);
            await chain.read(bytes, p.offset);
            expect(bytes.every((b) => b === 0)).toBe(true);
          }
          await chain.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
