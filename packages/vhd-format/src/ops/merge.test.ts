import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECTOR_SIZE } from '../constants.js';
import { isVhdFormatError } from '../errors.js';
import { openChain } from '../image/chain.js';
import { createDifferencing } from '../image/create-differencing.js';
import { openImage } from '../image/open.js';
import { memoryFile } from '../io.js';
import { arbWrite } from '../testing/arbitraries.js';
import {
  baseImage,
  deterministic,
  firstDifference,
  MemoryImages,
  shared,
} from '../testing/images.js';
import { merge } from './merge.js';

type MemFile = ReturnType<typeof memoryFile>;

/** A differencing child of `parent` with blocks of `block` bytes. */
async function child(parent: MemFile, seed: number, block: number): Promise<MemFile> {
  const image = await openImage(shared(parent));
  const f = memoryFile();
  await createDifferencing(f, {
    ...deterministic(seed),
    parent: {
      footer: image.footer,
      blockSizeBytes: block,
      modified: new Date('2026-01-02T03:04:05Z'),
      unicodeName: `layer${seed}.vhd`,
    },
  });
  return f;
}

/** Reads the whole chain whose top is `file`. */
async function readChain(images: MemoryImages, file: MemFile): Promise<Uint8Array> {
  const chain = await images.open(file, false);
  const out = new Uint8Array(chain.virtualSize);
  await chain.read(out, 0);
  await chain.close();
  return out;
}

/** A chain: `files[0]` the top, `files[files.length - 1]` the base; sectors each layer holds. */
interface Built {
  images: MemoryImages;
  files: MemFile[];
  held: Array<Set<number>>;
}

async function build(
  baseType: 'fixed' | 'dynamic',
  size: number,
  blocks: number[],
  writes: Array<Array<{ offset: number; data: Uint8Array }>>,
): Promise<Built> {
  const images = new MemoryImages();
  const bottomUp: MemFile[] = [await baseImage(baseType, size, blocks[0]!, 1)];
  const held: Array<Set<number>> = [new Set()];
  for (let i = 0; i < writes.length; i++) {
    if (i > 0) bottomUp.push(await child(bottomUp[i - 1]!, i + 1, blocks[i]!));
    const f = bottomUp[i]!;
    const chain = await images.open(f);
    const sectors = new Set<number>();
    for (const w of writes[i]!) {
      await chain.write(w.data, w.offset);
      const s0 = Math.floor(w.offset / SECTOR_SIZE);
      const s1 = Math.ceil((w.offset + w.data.length) / SECTOR_SIZE);
      for (let s = s0; s < s1; s++) sectors.add(s);
    }
    await chain.close();
    await images.add(f);
    if (i > 0) held.push(sectors);
  }
  return { images, files: bottomUp.reverse(), held: held.reverse() };
}

const writable = (images: MemoryImages) => images.openParent;

describe('merge', () => {
  it('merged chains read as before, from the child and from the target alone; the target changes only at moved sectors; other layers untouched', async () => {
    const size = 48 * 1024;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'fixed' | 'dynamic'>('fixed', 'dynamic'),
        fc.array(fc.constantFrom(4096, 8192, 16_384), { minLength: 5, maxLength: 5 }),
        fc.array(fc.array(arbWrite(size, 9000), { maxLength: 4 }), {
          minLength: 2,
          maxLength: 5,
        }),
        fc.nat(),
        fc.nat(),
        async (baseType, blocks, writes, c0, t0) => {
          const { images, files, held } = await build(baseType, size, blocks, writes);
          const n = files.length - 1;
          const c = c0 % n;
          const t = c + 1 + (t0 % (n - c));
          const model = await readChain(images, files[c]!);
          const targetBefore = await readChain(images, files[t]!);
          const untouched = [...files.slice(0, c), ...files.slice(t + 1)].map((f) => [
            f,
            f.bytes(),
          ]);
          const moved = new Set<number>();
          for (let i = c; i < t; i++) for (const s of held[i]!) moved.add(s);
          const result = await merge(shared(files[c]!), shared(files[t]!), {
            openParent: writable(images),
          });
          expect(result.mergedLayers).toBe(t - c);
          expect(result.movedBytes).toBe(moved.size * SECTOR_SIZE);
          expect(firstDifference(await readChain(images, files[c]!), model)).toBe(-1);
          const targetAfter = await readChain(images, files[t]!);
          expect(firstDifference(targetAfter, model)).toBe(-1);
          for (let s = 0; s < size / SECTOR_SIZE; s++) {
            if (moved.has(s)) continue;
            const a = targetAfter.subarray(s * SECTOR_SIZE, (s + 1) * SECTOR_SIZE);
            const b = targetBefore.subarray(s * SECTOR_SIZE, (s + 1) * SECTOR_SIZE);
            expect(firstDifference(a, b), `sector ${s}`).toBe(-1);
          }
          for (const [f, bytes] of untouched) {
            expect(firstDifference((f as MemFile).bytes(), bytes as Uint8Array)).toBe(-1);
          }
          // The merged layers hold nothing now; merging again moves nothing.
          for (let i = c; i < t; i++) {
            const image = await openImage(shared(files[i]!), { strict: true });
            expect(image.allocatedBlockCount).toBe(0);
            await image.close();
          }
          const again = await merge(shared(files[c]!), shared(files[t]!), {
            openParent: writable(images),
          });
          expect(again.movedBytes).toBe(0);
          expect(firstDifference(await readChain(images, files[c]!), model)).toBe(-1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a partly written child block does not zero the parent sectors it does not hold', async () => {
    const { images, files } = await build(
      'dynamic',
      64 * 1024,
      [4096, 4096],
      [
        [{ offset: 0, data: new Uint8Array(64 * 1024).fill(7) }],
        [{ offset: 1024, data: new Uint8Array(512).fill(9) }],
      ],
    );
    await merge(shared(files[0]!), shared(files[1]!), { openParent: writable(images) });
    const out = await readChain(images, files[1]!);
    expect(out[0]).toBe(7);
    expect(out[1024]).toBe(9);
    expect(out[1536]).toBe(7);
    expect(out[4095]).toBe(7);
  });

  it('a differencing target gets only the moved sectors of a new block; the rest reads from its parent', async () => {
    const { images, files } = await build(
      'dynamic',
      32 * 1024,
      [4096, 4096, 4096],
      [
        [{ offset: 0, data: new Uint8Array(32 * 1024).fill(3) }],
        [],
        [{ offset: 8192 + 512, data: new Uint8Array(512).fill(5) }],
      ],
    );
    await merge(shared(files[0]!), shared(files[1]!), { openParent: writable(images) });
    const middle = await openChain(shared(files[1]!), { openParent: images.openParent });
    const out = new Uint8Array(32 * 1024);
    await middle.read(out, 0);
    await middle.close();
    expect(out[8192]).toBe(3);
    expect(out[8192 + 512]).toBe(5);
    expect(out[8192 + 1024]).toBe(3);
  });

  it('empties the child and cuts its file after its metadata', async () => {
    const { images, files } = await build(
      'dynamic',
      64 * 1024,
      [4096, 4096],
      [[], [{ offset: 0, data: new Uint8Array(64 * 1024).fill(1) }]],
    );
    const before = files[0]!.bytes().length;
    await merge(shared(files[0]!), shared(files[1]!), { openParent: writable(images) });
    const after = files[0]!.bytes();
    expect(after.length).toBeLessThan(before - 64 * 1024);
    const image = await openImage(shared(files[0]!), { strict: true });
    expect(image.allocatedBlockCount).toBe(0);
    await image.close();
  });

  it('refuses a child that is not differencing with NOT_DIFFERENCING', async () => {
    const base = await baseImage('dynamic', 64 * 1024, 4096, 1);
    const other = await baseImage('dynamic', 64 * 1024, 4096, 2);
    await expect(
      merge(shared(base), shared(other), { openParent: async () => undefined }),
    ).rejects.toSatisfy((e) => isVhdFormatError(e, 'NOT_DIFFERENCING'));
  });

  it('refuses a target that is not an ancestor with NOT_AN_ANCESTOR, writing nothing', async () => {
    const { images, files } = await build(
      'dynamic',
      64 * 1024,
      [4096, 4096, 4096],
      [
        [],
        [{ offset: 0, data: new Uint8Array(4096).fill(1) }],
        [{ offset: 512, data: new Uint8Array(512).fill(2) }],
      ],
    );
    const stranger = await baseImage('dynamic', 64 * 1024, 4096, 9);
    const snapshot = files.map((f) => f.bytes());
    await expect(
      merge(shared(files[0]!), shared(stranger), { openParent: writable(images) }),
    ).rejects.toSatisfy((e) => isVhdFormatError(e, 'NOT_AN_ANCESTOR'));
    await expect(
      merge(shared(files[0]!), shared(files[0]!), { openParent: writable(images) }),
    ).rejects.toSatisfy((e) => isVhdFormatError(e, 'NOT_AN_ANCESTOR'));
    for (const [i, f] of files.entries()) expect(firstDifference(f.bytes(), snapshot[i]!)).toBe(-1);
  });

  it('reports progress in bytes moved, ending at the total; an abort leaves the chain reading as before', async () => {
    const { images, files } = await build(
      'dynamic',
      64 * 1024,
      [4096, 4096],
      [
        [],
        [
          { offset: 0, data: new Uint8Array(6000).fill(1) },
          { offset: 20_000, data: new Uint8Array(9000).fill(2) },
        ],
      ],
    );
    const model = await readChain(images, files[0]!);
    const controller = new AbortController();
    const seen: number[] = [];
    await expect(
      merge(shared(files[0]!), shared(files[1]!), {
        openParent: writable(images),
        signal: controller.signal,
        onProgress: (done) => {
          seen.push(done);
          if (done > 0) controller.abort();
        },
      }),
    ).rejects.toSatisfy((e) => isVhdFormatError(e, 'ABORTED'));
    expect(firstDifference(await readChain(images, files[0]!), model)).toBe(-1);
    const progress: Array<[number, number]> = [];
    const result = await merge(shared(files[0]!), shared(files[1]!), {
      openParent: writable(images),
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result.movedBytes).toBe(12 * 512 + 18 * 512);
    expect(progress.at(-1)).toEqual([result.movedBytes, result.movedBytes]);
    expect(firstDifference(await readChain(images, files[0]!), model)).toBe(-1);
  });

  it('records the parent times it is given in the merged layers, so the chain opens without a warning', async () => {
    const { images, files } = await build(
      'dynamic',
      32 * 1024,
      [4096, 4096, 4096],
      [
        [],
        [{ offset: 0, data: new Uint8Array(512).fill(1) }],
        [{ offset: 512, data: new Uint8Array(512).fill(2) }],
      ],
    );
    const modified = new Date('2027-05-06T07:08:09Z');
    const asked: number[] = [];
    await merge(shared(files[0]!), shared(files[2]!), {
      openParent: writable(images),
      parentModified: async (depth) => {
        asked.push(depth);
        return modified;
      },
    });
    expect(asked).toEqual([2, 1]);
    const chain = await openChain(shared(files[0]!), {
      openParent: async (ref) => {
        const file = await images.openParent(ref);
        return file && { file, modified };
      },
    });
    expect(chain.warnings).toEqual([]);
    await chain.close();
  });
});
