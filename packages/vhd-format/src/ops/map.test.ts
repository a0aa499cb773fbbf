import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isVhdFormatError } from '../errors.js';
import type { VhdChain } from '../image/chain.js';
import { openChain } from '../image/chain.js';
import { createDifferencing } from '../image/create-differencing.js';
import { createDynamic } from '../image/create-dynamic.js';
import { openImage } from '../image/open.js';
import { memoryFile } from '../io.js';
import { arbWrite, patterned } from '../testing/arbitraries.js';
import { baseImage, childImage, firstDifference, MemoryImages, shared } from '../testing/images.js';
import { type BlockHolding, type MapRun, mapBlocks, mapChain, mapChainBatches } from './map.js';

type MemoryFile = ReturnType<typeof memoryFile>;
const MiB = 2 ** 20;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Builds a chain bottom-up: `writes[level]` go through the chain whose top is level `level`. */
async function buildChain(
  baseType: 'dynamic' | 'fixed',
  size: number,
  blockSize: number,
  writes: ReadonlyArray<ReadonlyArray<{ offset: number; data: Uint8Array }>>,
): Promise<{ images: MemoryImages; files: MemoryFile[] }> {
  const images = new MemoryImages();
  let top = await baseImage(baseType, size, blockSize, 1);
  const files: MemoryFile[] = [top];
  for (const [level, list] of writes.entries()) {
    if (level > 0) {
      await images.add(top);
      top = await childImage(top, level + 1);
      files.unshift(top);
    }
    const chain = await images.open(top);
    for (const w of list) await chain.write(w.data, w.offset);
    await chain.close();
  }
  return { images, files };
}

describe('mapChain', () => {
  it('runs cover the disk once, in order, each reads from its layer as the chain reads, and blocks sum them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .record({
            sizeSectors: fc.integer({ min: 1, max: 400 }),
            blockSize: fc.constantFrom(512, 4096, 16384),
            baseType: fc.constantFrom<'dynamic' | 'fixed'>('dynamic', 'dynamic', 'fixed'),
            depth: fc.integer({ min: 1, max: 4 }),
            window: fc.constantFrom(512, 4096, 65536, 32 * MiB),
          })
          .chain((s) =>
            fc.record({
              setup: fc.constant(s),
              writes: fc.array(fc.array(arbWrite(s.sizeSectors * 512, 9000), { maxLength: 5 }), {
                minLength: s.depth,
                maxLength: s.depth,
              }),
            }),
          ),
        async ({ setup, writes }) => {
          const size = setup.sizeSectors * 512;
          const { images, files } = await buildChain(setup.baseType, size, setup.blockSize, writes);
          const chain = await images.open(files[0]!, false);
          const runs = await collect(mapChain(chain, { window: setup.window }));
          let at = 0;
          for (const [i, run] of runs.entries()) {
            expect(run.start).toBe(at);
            expect(run.length).toBeGreaterThan(0);
            expect(run.depth).toBeGreaterThanOrEqual(0);
            expect(run.depth).toBeLessThanOrEqual(files.length);
            expect(run.offset === undefined).toBe(run.depth === files.length);
            const previous = runs[i - 1];
            if (previous !== undefined && previous.depth === run.depth) {
              // Coalesced: two runs of one layer touch only where the file bytes jump.
              expect(previous.offset === undefined).toBe(false);
              expect(previous.offset! + previous.length).not.toBe(run.offset);
            }
            const through = new Uint8Array(run.length);
            await chain.read(through, run.start);
            const held = new Uint8Array(run.length);
            if (run.offset !== undefined) await files[run.depth]!.read(held, run.offset);
            expect(firstDifference(held, through)).toBe(-1);
            at += run.length;
          }
          expect(at).toBe(size);
          // In batches: the same runs, one batch per window looked at (and the last run in
          // one of its own), none holding a run that ends past its window.
          const batches = await collect(mapChainBatches(chain, { window: setup.window }));
          expect(batches.flat()).toEqual(runs);
          expect(batches).toHaveLength(Math.ceil(size / setup.window) + 1);
          for (const [i, batch] of batches.entries()) {
            for (const run of batch) {
              expect(run.start + run.length).toBeLessThanOrEqual((i + 1) * setup.window);
            }
          }
          // Per block: what each layer supplies, as the runs say, adding up to the block.
          const unit = setup.blockSize * 2;
          const blocks = await collect(mapBlocks(chain, { unit, window: setup.window }));
          expect(blocks).toHaveLength(Math.ceil(size / unit));
          for (const [i, block] of blocks.entries()) {
            expect([block.index, block.start]).toEqual([i, i * unit]);
            const want = new Array<number>(files.length + 1).fill(0);
            for (const r of runs) {
              const lo = Math.max(r.start, block.start);
              const hi = Math.min(r.start + r.length, block.start + block.length);
              if (hi > lo) want[r.depth]! += hi - lo;
            }
            expect(block.bytes).toEqual(want);
            // A layer stores at least what it supplies; the top supplies all it stores.
            expect(block.stored).toHaveLength(files.length);
            expect(block.stored[0]).toBe(block.bytes[0]);
            for (const [d, n] of block.stored.entries()) expect(n).toBeGreaterThanOrEqual(want[d]!);
            expect(want.reduce((a, b) => a + b, 0)).toBe(block.length);
          }
          await chain.close();
        },
      ),
      { numRuns: 60, endOnFailure: true },
    );
  });

  it('names the layer of each range of a three-layer chain, with file offsets', async () => {
    const size = 8 * 4096;
    const { images, files } = await buildChain('dynamic', size, 4096, [
      [{ offset: 0, data: patterned(2 * 4096, 1, 1) }],
      [{ offset: 4096 + 512, data: patterned(1024, 2, 3) }],
      [{ offset: 6 * 4096, data: patterned(512, 3, 5) }],
    ]);
    const chain = await images.open(files[0]!, false);
    const runs = await collect(mapChain(chain));
    const shape = runs.map(({ start, length, depth }) => [start, length, depth]);
    expect(shape).toEqual([
      [0, 4096, 2],
      [4096, 512, 2],
      [4096 + 512, 1024, 1],
      [4096 + 1536, 4096 - 1536, 2],
      [2 * 4096, 4 * 4096, 3],
      [6 * 4096, 512, 0],
      [6 * 4096 + 512, 2 * 4096 - 512, 3],
    ]);
    // The base's blocks 0 and 1 lie one after the other, each behind its 512-byte bitmap: two
    // runs; the base's bytes on either side of the child's sectors are one file run cut in two.
    expect(runs[1]!.offset).toBe(runs[0]!.offset! + 4096 + 512);
    expect(runs[3]!.offset).toBe(runs[1]!.offset! + 512 + 1024);
    await chain.close();
  });

  it('reads zeros past the end of a smaller parent, not the parent', async () => {
    const base = await baseImage('dynamic', 4096, 4096, 1);
    const writer = await openChain(shared(base), {
      openParent: async () => undefined,
      writable: true,
    });
    await writer.write(patterned(4096, 9, 1), 0);
    await writer.close();
    const images = new MemoryImages();
    await images.add(base);
    const parent = await openImage(shared(base));
    // A child larger than its parent (as after growing the child alone).
    const child = memoryFile();
    await createDifferencing(child, {
      parent: {
        footer: { ...parent.footer, currentSize: 3 * 4096 },
        blockSizeBytes: 4096,
        modified: new Date(0),
        unicodeName: 'p.vhd',
      },
    });
    await parent.close();
    const chain = await images.open(child, false);
    const runs = await collect(mapChain(chain));
    expect(runs.map(({ start, length, depth }) => [start, length, depth])).toEqual([
      [0, 4096, 1],
      [4096, 2 * 4096, 2],
    ]);
    await chain.close();
  });

  it('maps a 2040 GiB empty disk in a few runs, without reading data', async () => {
    const file = memoryFile();
    await createDynamic(file, { sizeBytes: 2040 * 2 ** 30, blockSizeBytes: 2 * MiB });
    const chain = await openChain(file, { openParent: async () => undefined });
    let progress = 0;
    const runs = await collect(mapChain(chain, { onProgress: (done) => (progress = done) }));
    expect(runs).toEqual([{ start: 0, length: 2040 * 2 ** 30, depth: 1 }]);
    expect(progress).toBe(2040 * 2 ** 30);
    await chain.close();
  });

  it('stops with ABORTED when the signal fires, and refuses a bad window', async () => {
    const base = await baseImage('dynamic', MiB, 4096, 1);
    const chain = await openChain(shared(base), {
      openParent: async () => undefined,
      writable: true,
    });
    // Every other block written: a run per window.
    for (let at = 0; at < MiB; at += 2 * 4096) await chain.write(patterned(4096, 1, 1), at);
    const controller = new AbortController();
    const seen: MapRun[] = [];
    await expect(
      (async () => {
        for await (const run of mapChain(chain, { window: 4096, signal: controller.signal })) {
          seen.push(run);
          controller.abort();
        }
      })(),
    ).rejects.toSatisfy((e) => isVhdFormatError(e, 'ABORTED'));
    expect(seen).toHaveLength(1);
    await expect(collect(mapChain(chain, { window: 100 }))).rejects.toSatisfy((e) =>
      isVhdFormatError(e, 'INVALID_ARGUMENT'),
    );
    await expect(collect(mapChain({} as VhdChain))).rejects.toSatisfy((e) =>
      isVhdFormatError(e, 'INVALID_ARGUMENT'),
    );
    await chain.close();
  });
});

describe('mapBlocks', () => {
  it('sums each block from the runs (full, partial, zero) and what each layer stores, hidden or not', async () => {
    const { images, files } = await buildChain('dynamic', 4 * 4096 + 1024, 4096, [
      [{ offset: 0, data: patterned(4096, 1, 1) }],
      [
        { offset: 512, data: patterned(1024, 2, 3) },
        { offset: 2 * 4096, data: patterned(4096, 3, 5) },
      ],
    ]);
    const chain = await images.open(files[0]!, false);
    const blocks = await collect(mapBlocks(chain));
    const shape = (b: BlockHolding) => [b.index, b.start, b.length, ...b.bytes, '|', ...b.stored];
    expect(blocks.map(shape)).toEqual([
      // The base's block 0 is whole, 1024 bytes of it hidden by the child.
      [0, 0, 4096, 1024, 3072, 0, '|', 1024, 4096],
      [1, 4096, 4096, 0, 0, 4096, '|', 0, 0],
      [2, 8192, 4096, 4096, 0, 0, '|', 4096, 0],
      [3, 12288, 4096, 0, 0, 4096, '|', 0, 0],
      [4, 16384, 1024, 0, 0, 1024, '|', 0, 0],
    ]);
    const grouped = await collect(mapBlocks(chain, { unit: 3 * 4096 }));
    expect(grouped.map(shape)).toEqual([
      [0, 0, 3 * 4096, 1024 + 4096, 3072, 4096, '|', 1024 + 4096, 4096],
      [1, 3 * 4096, 4096 + 1024, 0, 0, 4096 + 1024, '|', 0, 0],
    ]);
    await chain.close();
  });
});
