import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../check.js';
import { isVhdFormatError } from '../errors.js';
import { openChain } from '../image/chain.js';
import { openImage } from '../image/open.js';
import { baseImage, childImage, firstDifference, MemoryImages, shared } from '../testing/images.js';
import { arbChainPlan, readWhole, writeChain } from '../testing/written-chain.js';
import { compact } from './compact.js';

const KiB = 1024;
const BLOCK = 4 * KiB;
/** A 4 KiB block and its one-sector bitmap. */
const STRIDE = BLOCK + 512;

async function writeAt(
  file: ReturnType<typeof shared>,
  images: MemoryImages | undefined,
  at: number,
  bytes: Uint8Array,
) {
  const chain = images
    ? await images.open(file, true)
    : await openChain(shared(file), { openParent: async () => undefined, writable: true });
  await chain.write(bytes, at);
  await chain.close();
}

describe('compact', () => {
  it('drops the all-zero blocks of a dynamic image, moves the last blocks into the holes and cuts the file', async () => {
    const image = await baseImage('dynamic', 16 * BLOCK, BLOCK, 1);
    for (const [block, fill] of [
      [0, 1],
      [2, 0],
      [3, 3],
      [5, 0],
      [7, 7],
    ] as const) {
      await writeAt(image, undefined, block * BLOCK, new Uint8Array(BLOCK).fill(fill));
    }
    const before = await readWhole(
      await openChain(shared(image), { openParent: async () => undefined }),
    );
    const sizeBefore = await image.size();
    const result = await compact(image);
    expect(result).toMatchObject({ blocksBefore: 5, blocksRemoved: 2, fileSizeBefore: sizeBefore });
    expect(result.blocksMoved).toBeGreaterThan(0);
    expect(result.fileSizeAfter).toBe(sizeBefore - 2 * STRIDE);
    expect(await image.size()).toBe(result.fileSizeAfter);
    const after = await openChain(shared(image), {
      openParent: async () => undefined,
      strict: true,
    });
    expect(firstDifference(await readWhole(after), before)).toBe(-1);
    expect((await openImage(shared(image))).allocatedBlockCount).toBe(3);
    expect((await check(shared(image))).problems).toEqual([]);
    const again = await compact(image);
    expect(again).toMatchObject({
      blocksRemoved: 0,
      blocksMoved: 0,
      fileSizeAfter: result.fileSizeAfter,
    });
  });

  it('drops differencing blocks with no sector set, and keeps zeros written over the parent', async () => {
    const images = new MemoryImages();
    const base = await baseImage('dynamic', 16 * BLOCK, BLOCK, 1);
    await writeAt(base, undefined, 0, new Uint8Array(8 * BLOCK).fill(5));
    await images.add(base);
    const child = await childImage(base, 2);
    await images.add(child);
    await writeAt(child, images, BLOCK + 512, new Uint8Array(1024)); // zeros hiding the parent
    await writeAt(child, images, 3 * BLOCK, new Uint8Array(512).fill(9));
    await writeAt(child, images, 6 * BLOCK, new Uint8Array(512).fill(6));
    // Block 3's bitmap emptied, as a cut between its allocation and its bitmap leaves it.
    const { header } = await openImage(shared(child));
    const word = new Uint8Array(4);
    await child.read(word, header!.tableOffset + 3 * 4);
    const entry3 = new DataView(word.buffer).getUint32(0);
    await child.write(new Uint8Array(512), entry3 * 512);
    const before = await readWhole(await images.open(child, false));
    expect(before.subarray(BLOCK + 512, BLOCK + 1536).every((b) => b === 0)).toBe(true);
    const baseBytes = base.bytes();
    const result = await compact(child);
    expect(result.blocksBefore).toBe(3);
    expect(result.blocksRemoved).toBe(1);
    expect(firstDifference(await readWhole(await images.open(child, false)), before)).toBe(-1);
    expect(firstDifference(base.bytes(), baseBytes)).toBe(-1);
    expect((await check(shared(child))).problems).toEqual([]);
  });

  it('refuses a fixed image with NOT_SPARSE', async () => {
    const image = await baseImage('fixed', 16 * BLOCK, 0, 1);
    await expect(compact(image)).rejects.toSatisfy((e) => isVhdFormatError(e, 'NOT_SPARSE'));
  });

  it('property: compacting any layer of a random chain keeps every read; the other layers do not change', async () => {
    await fc.assert(
      fc.asyncProperty(arbChainPlan(1), fc.nat(), async (plan, pick) => {
        const chain = await writeChain(plan);
        const layer = pick % chain.files.length;
        if (plan.base === 'fixed' && layer === 0) return;
        const others = chain.files.map((f) => f.bytes());
        const ownRead = await readWhole(await chain.open(layer));
        await compact(chain.files[layer]!);
        expect(firstDifference(await readWhole(await chain.open()), chain.model)).toBe(-1);
        expect(firstDifference(await readWhole(await chain.open(layer)), ownRead)).toBe(-1);
        for (const [i, bytes] of others.entries()) {
          if (i !== layer) expect(firstDifference(chain.files[i]!.bytes(), bytes)).toBe(-1);
        }
        expect((await check(shared(chain.files[layer]!))).problems).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
