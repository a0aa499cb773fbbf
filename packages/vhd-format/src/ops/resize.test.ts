import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../check.js';
import { FIXED_GROW_STEP } from '../constants.js';
import { isVhdFormatError } from '../errors.js';
import { geometryForSize, roundUpToChs } from '../geometry.js';
import { openChain } from '../image/chain.js';
import { memoryFile } from '../io.js';
import { arbWrite } from '../testing/arbitraries.js';
import { baseImage, childImage, firstDifference, shared } from '../testing/images.js';
import { readWhole } from '../testing/written-chain.js';
import { resize } from './resize.js';

const KiB = 1024;

async function openAlone(file: ReturnType<typeof memoryFile>, writable = false) {
  return openChain(shared(file), {
    openParent: async () => undefined,
    writable,
    strict: !writable,
  });
}

async function writeAll(
  file: ReturnType<typeof memoryFile>,
  writes: Array<{ offset: number; data: Uint8Array }>,
  model: Uint8Array,
) {
  const chain = await openAlone(file, true);
  for (const w of writes) {
    await chain.write(w.data, w.offset);
    model.set(w.data, w.offset);
  }
  await chain.close();
}

describe('resize', () => {
  for (const type of ['fixed', 'dynamic'] as const) {
    it(`grows a ${type} image: the old bytes stay, the new part reads zeros, geometry as creation makes it`, async () => {
      const image = await baseImage(type, 64 * KiB, 4 * KiB, 1);
      const model = new Uint8Array(64 * KiB);
      await writeAll(image, [{ offset: 60 * KiB, data: new Uint8Array(4 * KiB).fill(7) }], model);
      const result = await resize(image, { sizeBytes: 1024 * KiB, exactSize: true });
      expect(result).toMatchObject({ sizeBefore: 64 * KiB, sizeAfter: 1024 * KiB });
      const chain = await openAlone(image);
      const bytes = await readWhole(chain);
      expect(bytes.length).toBe(1024 * KiB);
      expect(firstDifference(bytes.subarray(0, 64 * KiB), model)).toBe(-1);
      expect(bytes.subarray(64 * KiB).every((b) => b === 0)).toBe(true);
      expect(chain.layers[0]!.footer.geometry).toEqual(geometryForSize(1024 * KiB));
      await chain.close();
      expect((await check(shared(image))).problems).toEqual([]);
    });

    it(`shrinks a ${type} image when the part cut off reads zeros, and refuses with WOULD_LOSE_DATA otherwise`, async () => {
      const image = await baseImage(type, 64 * KiB, 4 * KiB, 1);
      const model = new Uint8Array(64 * KiB);
      await writeAll(
        image,
        [
          { offset: 1000, data: new Uint8Array(3000).fill(3) },
          { offset: 40 * KiB, data: new Uint8Array(2 * KiB) },
          { offset: 50 * KiB, data: new Uint8Array(10).fill(5) },
        ],
        model,
      );
      const bytes = image.bytes();
      await expect(resize(image, { sizeBytes: 48 * KiB, exactSize: true })).rejects.toSatisfy(
        (e) => isVhdFormatError(e, 'WOULD_LOSE_DATA') && e.offset === 50 * KiB,
      );
      expect(firstDifference(image.bytes(), bytes)).toBe(-1);
      await resize(image, { sizeBytes: 52 * KiB, exactSize: true });
      const chain = await openAlone(image);
      expect(firstDifference(await readWhole(chain), model.subarray(0, 52 * KiB))).toBe(-1);
      await chain.close();
      expect((await check(shared(image))).problems).toEqual([]);
    });
  }

  it('rounds the new size up as creation does unless exactSize, with the geometry that goes with it', async () => {
    const image = await baseImage('dynamic', 64 * KiB, 4 * KiB, 1);
    const rounded = roundUpToChs(1000 * KiB);
    expect(rounded.sizeBytes).toBeGreaterThan(1000 * KiB);
    const result = await resize(image, { sizeBytes: 1000 * KiB });
    expect(result.sizeAfter).toBe(rounded.sizeBytes);
    const chain = await openAlone(image);
    expect(chain.layers[0]!.footer.geometry).toEqual(rounded.geometry);
    expect(chain.virtualSize).toBe(rounded.sizeBytes);
    await chain.close();
  });

  it('moves the BAT after the last block when the new entries do not fit where it is', async () => {
    const image = await baseImage('dynamic', 64 * KiB, 4 * KiB, 1);
    const model = new Uint8Array(64 * KiB);
    await writeAll(image, [{ offset: 0, data: new Uint8Array(64 * KiB).fill(9) }], model);
    const result = await resize(image, { sizeBytes: 8 * 1024 * KiB, exactSize: true });
    expect(result.tableMoved).toBe(true);
    const chain = await openAlone(image);
    const bytes = await readWhole(chain);
    expect(firstDifference(bytes.subarray(0, 64 * KiB), model)).toBe(-1);
    expect(bytes.subarray(64 * KiB).every((b) => b === 0)).toBe(true);
    await chain.close();
    expect((await check(shared(image))).problems).toEqual([]);
    // Writing past the old end allocates blocks after the moved table.
    await writeAll(
      image,
      [{ offset: 5000 * KiB, data: new Uint8Array(4 * KiB).fill(4) }],
      new Uint8Array(8 * 1024 * KiB),
    );
    const again = await openAlone(image);
    const after = await readWhole(again);
    expect(after.subarray(5000 * KiB, 5004 * KiB).every((b) => b === 4)).toBe(true);
    expect(firstDifference(after.subarray(0, 64 * KiB), model)).toBe(-1);
    await again.close();
    expect((await check(shared(image))).problems).toEqual([]);
  });

  it('grows a fixed image by at most one grow step between syncs, the file ending in a sound footer at every sync', async () => {
    const image = await baseImage('fixed', 64 * KiB, 0, 1);
    const model = new Uint8Array(64 * KiB);
    await writeAll(image, [{ offset: 1000, data: new Uint8Array(3000).fill(5) }], model);
    const grownBy: number[] = [];
    let synced = await image.size();
    const watched = {
      ...shared(image),
      sync: async () => {
        await image.sync();
        const size = await image.size();
        grownBy.push(size - synced);
        synced = size;
        // What a reader finds at this sync: a footer at the end, the old size or the new.
        const chain = await openAlone(image);
        expect([64 * KiB, 2 * FIXED_GROW_STEP + 64 * KiB]).toContain(chain.virtualSize);
        await chain.close();
      },
    };
    await resize(watched, { sizeBytes: 2 * FIXED_GROW_STEP + 64 * KiB, exactSize: true });
    expect(grownBy.filter((n) => n > 0)).toEqual([FIXED_GROW_STEP, FIXED_GROW_STEP]);
    const chain = await openAlone(image);
    const bytes = await readWhole(chain);
    await chain.close();
    expect(firstDifference(bytes.subarray(0, 64 * KiB), model)).toBe(-1);
    expect(bytes.subarray(64 * KiB).every((b) => b === 0)).toBe(true);
    expect(await image.size()).toBe(2 * FIXED_GROW_STEP + 64 * KiB + 512);
    expect((await check(shared(image))).problems).toEqual([]);
  });

  it('finishes a fixed image cut short: zeros after its footer, or a new size already at the end before ignored bytes', async () => {
    const image = await baseImage('fixed', 64 * KiB, 0, 1);
    const model = new Uint8Array(64 * KiB);
    await writeAll(image, [{ offset: 0, data: new Uint8Array(32 * KiB).fill(6) }], model);
    const bytes = image.bytes();
    // A grow cut short: the file longer, its end zeros.
    const grown = memoryFile(bytes.slice());
    await grown.write(new Uint8Array(8 * KiB), 64 * KiB + 512);
    expect(await resize(grown, { sizeBytes: 64 * KiB, exactSize: true })).toMatchObject({
      sizeBefore: 64 * KiB,
      sizeAfter: 64 * KiB,
    });
    expect(await grown.size()).toBe(64 * KiB + 512);
    expect((await check(shared(grown))).problems).toEqual([]);
    // A shrink cut short: the footer at the end says 48 KiB already.
    const shrunk = memoryFile(bytes.slice());
    await resize(shrunk, { sizeBytes: 48 * KiB, exactSize: true });
    const footer = shrunk.bytes().slice(48 * KiB, 48 * KiB + 512);
    const cut = memoryFile(bytes.slice());
    await cut.write(footer, 64 * KiB);
    expect((await check(shared(cut))).problems.map((p) => p.code)).toEqual(['BYTES_BEFORE_FOOTER']);
    await resize(cut, { sizeBytes: 48 * KiB, exactSize: true });
    expect(firstDifference(cut.bytes(), shrunk.bytes())).toBe(-1);
    // A shrink an earlier version cut short: the new footer after the new size, the old at the end.
    const earlier = memoryFile(bytes.slice());
    await earlier.write(footer, 48 * KiB);
    await resize(earlier, { sizeBytes: 48 * KiB, exactSize: true });
    expect(firstDifference(earlier.bytes(), shrunk.bytes())).toBe(-1);
  });

  it('refuses a differencing image and sizes that are not positive multiples of 512', async () => {
    const base = await baseImage('dynamic', 64 * KiB, 4 * KiB, 1);
    const child = await childImage(base, 2);
    await expect(resize(child, { sizeBytes: 128 * KiB, exactSize: true })).rejects.toSatisfy((e) =>
      isVhdFormatError(e, 'INVALID_ARGUMENT'),
    );
    for (const sizeBytes of [0, 1000, -512]) {
      await expect(resize(base, { sizeBytes })).rejects.toSatisfy((e) =>
        isVhdFormatError(e, 'INVALID_ARGUMENT'),
      );
    }
  });

  it('property: grow then shrink back, or shrink when the tail is zero: every read matches the model', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('fixed' as const, 'dynamic' as const),
        fc.constantFrom(4096, 8192),
        fc.array(arbWrite(64 * KiB, 12 * KiB), { maxLength: 6 }),
        fc.integer({ min: 1, max: 2048 }),
        async (type, block, writes, sectors) => {
          const image = await baseImage(type, 64 * KiB, block, 1);
          const model = new Uint8Array(64 * KiB);
          await writeAll(image, writes, model);
          const target = sectors * 512;
          let last = model.length;
          for (let i = model.length - 1; i >= 0 && model[i] === 0; i--) last = i;
          try {
            await resize(image, { sizeBytes: target, exactSize: true });
            expect(target >= last).toBe(true);
          } catch (e) {
            expect(isVhdFormatError(e, 'WOULD_LOSE_DATA')).toBe(true);
            expect(target < last).toBe(true);
            return;
          }
          const want = new Uint8Array(target);
          want.set(model.subarray(0, Math.min(target, model.length)));
          const chain = await openAlone(image);
          expect(firstDifference(await readWhole(chain), want)).toBe(-1);
          await chain.close();
          expect((await check(shared(image))).ok).toBe(true);
          // And back to the first size: the part that comes back reads zeros.
          await resize(image, { sizeBytes: 64 * KiB, exactSize: true });
          const back = new Uint8Array(64 * KiB);
          back.set(want.subarray(0, Math.min(target, back.length)));
          const again = await openAlone(image);
          expect(firstDifference(await readWhole(again), back)).toBe(-1);
          await again.close();
        },
      ),
      { numRuns: 80 },
    );
  });
});
