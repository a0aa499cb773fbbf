import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_UNUSED } from '../constants.js';
import { isVhdFormatError } from '../errors.js';
import { openChain } from '../image/chain.js';
import type { VhdLayer } from '../image/layer.js';
import { openImage } from '../image/open.js';
import { memoryFile, type RandomAccessFile } from '../io.js';
import { arbWrite, patterned } from '../testing/arbitraries.js';
import { baseImage, childImage, firstDifference, MemoryImages, shared } from '../testing/images.js';
import { type RecordedCall, recording } from '../testing/recording.js';
import { convertDisk } from './convert.js';
import { rawDisk } from './virtual-disk.js';
import { isAllZero } from './zero.js';

type MemoryFile = ReturnType<typeof memoryFile>;

const arbSetup = fc.record({
  sizeSectors: fc.integer({ min: 1, max: 300 }),
  blockSize: fc.constantFrom(512, 4096, 16384),
  targetBlockSize: fc.constantFrom(512, 4096, 65536),
  baseType: fc.constantFrom<'dynamic' | 'fixed'>('dynamic', 'dynamic', 'fixed'),
  depth: fc.integer({ min: 1, max: 4 }),
});

/** A chain of `depth` layers (base included) written with `writes`, and its byte model. */
async function buildChain(
  setup: { sizeSectors: number; blockSize: number; baseType: 'dynamic' | 'fixed'; depth: number },
  writes: ReadonlyArray<ReadonlyArray<{ offset: number; data: Uint8Array }>>,
) {
  const size = setup.sizeSectors * 512;
  const model = new Uint8Array(size);
  const images = new MemoryImages();
  const files: MemoryFile[] = [];
  let top = await baseImage(setup.baseType, size, setup.blockSize, 1);
  for (let level = 0; level < setup.depth; level++) {
    if (level > 0) {
      await images.add(top);
      top = await childImage(top, level + 1);
    }
    files.push(top);
    const chain = await images.open(top);
    for (const w of writes[level] ?? []) {
      await chain.write(w.data, w.offset);
      model.set(w.data, w.offset);
    }
    await chain.close();
  }
  return { size, model, images, top, files };
}

/** Blocks of `blockSize` over `model` that hold a non-zero byte. */
function dataBlocks(model: Uint8Array, blockSize: number): Set<number> {
  const out = new Set<number>();
  for (let b = 0; b * blockSize < model.length; b++) {
    if (!isAllZero(model, b * blockSize, Math.min(model.length, (b + 1) * blockSize))) out.add(b);
  }
  return out;
}

/** The allocated entries of a dynamic image. */
async function allocated(file: MemoryFile): Promise<Set<number>> {
  const image = (await openImage(shared(file))) as VhdLayer;
  const out = new Set<number>();
  for (let b = 0; b < image.batLength; b++) if ((await image.entry(b)) !== BLOCK_UNUSED) out.add(b);
  await image.close();
  return out;
}

async function readImage(file: MemoryFile, size: number): Promise<Uint8Array> {
  const chain = await openChain(shared(file), { openParent: async () => undefined });
  expect(chain.virtualSize).toBe(size);
  const out = new Uint8Array(size);
  await chain.read(out, 0);
  await chain.close();
  return out;
}

/** No recorded write covers an all-zero 4 KiB page of the disk (a hole is left there). */
function writesOnlyData(calls: readonly RecordedCall[], model: Uint8Array): void {
  for (const c of calls) {
    if (c.op !== 'write' || c.position >= model.length) continue;
    for (let p = 0; p < c.bytes.length; p += 4096) {
      expect(isAllZero(c.bytes, p, Math.min(c.bytes.length, p + 4096))).toBe(false);
    }
  }
}

/** `file` whose reads and writes finish after random short delays, so they end out of order. */
function jittery(file: RandomAccessFile, seed: number): RandomAccessFile {
  let x = seed;
  const later = () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return new Promise<void>((resolve) => setTimeout(resolve, (x >>> 24) % 3));
  };
  return {
    read: async (b, p) => {
      await later();
      return file.read(b, p);
    },
    write: async (b, p) => {
      await later();
      return file.write(b, p);
    },
    size: () => file.size(),
    truncate: (n) => file.truncate(n),
    sync: () => file.sync(),
    close: () => file.close(),
  };
}

describe('convertDisk', () => {
  it('reads ahead and writes behind correctly when I/O ends out of order', async () => {
    const MiB = 2 ** 20;
    const size = 20 * MiB;
    const model = new Uint8Array(size);
    for (let k = 0; k < 60; k++) {
      const at = ((k * 2654435761) >>> 0) % (size - 70_000);
      model.set(patterned(5000 + k * 1000, k, k * 2 + 1), at);
    }
    for (const [type, blockSizeBytes] of [
      ['raw', undefined],
      ['fixed', undefined],
      ['dynamic', 64 * 1024],
      ['dynamic', 4096],
    ] as const) {
      const out = memoryFile();
      await convertDisk(await rawDisk(jittery(memoryFile(model), 7)), jittery(out, 11), {
        type,
        ...(blockSizeBytes === undefined ? {} : { blockSizeBytes }),
      });
      const back = type === 'raw' ? out.bytes() : await readImage(out, size);
      expect(firstDifference(back, model)).toBe(-1);
      if (type === 'dynamic') {
        expect(await allocated(out)).toEqual(dataBlocks(model, blockSizeBytes));
      }
    }
  });

  it('a chain of depth 1..4 converts to fixed, dynamic and raw that read like the byte model; the source is unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbSetup.chain((s) =>
          fc.record({
            setup: fc.constant(s),
            writes: fc.array(fc.array(arbWrite(s.sizeSectors * 512, 9000), { maxLength: 5 }), {
              minLength: s.depth,
              maxLength: s.depth,
            }),
          }),
        ),
        async ({ setup, writes }) => {
          const { size, model, images, top, files } = await buildChain(setup, writes);
          const before = files.map((f) => f.bytes());
          for (const type of ['fixed', 'dynamic', 'raw'] as const) {
            const chain = await images.open(top, false);
            const calls: RecordedCall[] = [];
            const out = memoryFile();
            const progress: number[] = [];
            const result = await convertDisk(chain, recording(out, calls), {
              type,
              blockSizeBytes: setup.targetBlockSize,
              onProgress: (done, total) => {
                expect(total).toBe(size);
                progress.push(done);
              },
            });
            await chain.close();
            expect(progress.at(-1)).toBe(size);
            expect(result.virtualSize).toBe(size);
            expect(result.fileSize).toBe(await out.size());
            if (type === 'raw') {
              expect(firstDifference(out.bytes(), model)).toBe(-1);
              writesOnlyData(calls, model);
            } else {
              expect(firstDifference(await readImage(out, size), model)).toBe(-1);
              const image = await openImage(shared(out), { strict: true });
              expect(image.type).toBe(type);
              await image.close();
            }
            if (type === 'fixed') writesOnlyData(calls, model);
            if (type === 'dynamic') {
              const expected = dataBlocks(model, setup.targetBlockSize);
              expect(await allocated(out)).toEqual(expected);
              expect(result.allocatedBlocks).toBe(expected.size);
            }
            for (const [i, f] of files.entries()) {
              expect(firstDifference(f.bytes(), before[i]!)).toBe(-1);
            }
          }
        },
      ),
      { numRuns: 60, endOnFailure: true },
    );
  });

  it('import of sparse raw data reads back equal and allocates only blocks holding non-zero data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 200_000 }).chain((length) =>
          fc.record({
            length: fc.constant(length),
            writes: fc.array(arbWrite(length, 6000), { maxLength: 6 }),
            blockSize: fc.constantFrom(512, 4096, 65536),
          }),
        ),
        async ({ length, writes, blockSize }) => {
          const raw = new Uint8Array(length);
          for (const w of writes) raw.set(w.data, w.offset);
          const source = memoryFile(raw);
          const size = Math.ceil(length / 512) * 512;
          const model = new Uint8Array(size);
          model.set(raw);
          for (const type of ['dynamic', 'fixed'] as const) {
            const out = memoryFile();
            const result = await convertDisk(await rawDisk(shared(source)), out, {
              type,
              blockSizeBytes: blockSize,
            });
            expect(result.virtualSize).toBe(size);
            expect(firstDifference(await readImage(out, size), model)).toBe(-1);
            if (type === 'dynamic') {
              expect(await allocated(out)).toEqual(dataBlocks(model, blockSize));
            }
          }
          expect(firstDifference(source.bytes(), raw)).toBe(-1);
        },
      ),
      { numRuns: 60, endOnFailure: true },
    );
  });

  it('a half-empty disk makes a dynamic image about half the size of a full one', async () => {
    const MiB = 2 ** 20;
    const raw = new Uint8Array(16 * MiB);
    for (let b = 0; b < 8; b++) raw.fill(b + 1, b * 2 * MiB, b * 2 * MiB + MiB);
    const full = await convertDisk(await rawDisk(memoryFile(raw.map(() => 1))), memoryFile(), {
      type: 'dynamic',
      blockSizeBytes: MiB,
    });
    const half = await convertDisk(await rawDisk(memoryFile(raw)), memoryFile(), {
      type: 'dynamic',
      blockSizeBytes: MiB,
    });
    expect(full.allocatedBlocks).toBe(16);
    expect(half.allocatedBlocks).toBe(8);
    expect(half.fileSize).toBeLessThan(full.fileSize / 2 + 64 * 1024);
  });

  it('an isAllZero option gives the same files as the built-in test, and the copy asks it', async () => {
    const MiB = 2 ** 20;
    const raw = new Uint8Array(12 * MiB);
    // Block 0: the bytes of a -0.0 double (zero but for the sign bit), which a floating-point
    // view would take for zero; block 2: one non-zero byte, the block's and the chunk's last.
    raw[8 * 1000 + 7] = 0x80;
    raw[3 * 2 * MiB - 1] = 1;
    // Block 4: data over a page, then zeros; blocks 1, 3 and 5 all zero.
    raw.fill(9, 4 * 2 * MiB + 4096, 4 * 2 * MiB + 8192);
    const fixedMetadata = {
      timestamp: new Date(Date.UTC(2020, 0, 1)),
      uniqueId: new Uint8Array(16),
    };
    for (const type of ['dynamic', 'fixed', 'raw'] as const) {
      const builtIn = memoryFile();
      await convertDisk(await rawDisk(memoryFile(raw)), builtIn, { type, ...fixedMetadata });
      const asked: number[] = [];
      const injected = memoryFile();
      await convertDisk(await rawDisk(memoryFile(raw)), injected, {
        type,
        ...fixedMetadata,
        isAllZero: (bytes, start, end) => {
          asked.push(end - start);
          return bytes.subarray(start, end).every((b) => b === 0);
        },
      });
      expect(asked.length).toBeGreaterThan(0);
      expect(injected.bytes().length).toBe(builtIn.bytes().length);
      expect(firstDifference(injected.bytes(), builtIn.bytes())).toBe(-1);
      if (type === 'dynamic') expect(await allocated(injected)).toEqual(new Set([0, 2, 4]));
    }
  });

  it('a dynamic image converts to fixed and back, reading the same', async () => {
    const base = await baseImage('dynamic', 3 * 2 ** 20, 2 ** 20, 1);
    const images = new MemoryImages();
    const chain = await images.open(base);
    await chain.write(new Uint8Array(5000).fill(7), 1_500_000);
    await chain.close();
    const fixed = memoryFile();
    await convertDisk(await images.open(base, false), fixed, { type: 'fixed' });
    const back = memoryFile();
    await convertDisk(await images.open(fixed, false), back, { type: 'dynamic' });
    const a = await readImage(base, 3 * 2 ** 20);
    expect(firstDifference(await readImage(back, 3 * 2 ** 20), a)).toBe(-1);
    expect(await allocated(back)).toEqual(new Set([0])); // 2 MiB blocks by default
    // The disk keeps its size and geometry through both conversions.
    const images2 = [base, fixed, back].map((f) => openImage(shared(f)));
    const [a0, f0, b0] = await Promise.all(images2);
    for (const image of [f0!, b0!]) {
      expect(image.virtualSize).toBe(a0!.virtualSize);
      expect(image.footer.geometry).toEqual(a0!.footer.geometry);
      await image.close();
    }
    await a0!.close();
  });

  it('stops with ABORTED when the signal has fired, and refuses an unknown type', async () => {
    const base = await baseImage('dynamic', 2 ** 20, 4096, 1);
    const images = new MemoryImages();
    for (const type of ['fixed', 'dynamic', 'raw'] as const) {
      const chain = await images.open(base, false);
      await expect(
        convertDisk(chain, memoryFile(), { type, signal: { aborted: true } }),
      ).rejects.toSatisfy((e) => isVhdFormatError(e, 'ABORTED'));
      await chain.close();
    }
    const chain = await images.open(base, false);
    await expect(convertDisk(chain, memoryFile(), { type: 'qcow2' as 'raw' })).rejects.toSatisfy(
      (e) => isVhdFormatError(e, 'INVALID_ARGUMENT'),
    );
    await chain.close();
  });
});
