import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_UNUSED } from '../constants.js';
import { isVhdFormatError } from '../errors.js';
import { openChain } from '../image/chain.js';
import type { VhdLayer } from '../image/layer.js';
import { openImage } from '../image/open.js';
import { memoryFile } from '../io.js';
import { arbWrite } from '../testing/arbitraries.js';
import { baseImage, childImage, firstDifference, MemoryImages, shared } from '../testing/images.js';
import { diskChunks, writeDynamicFromStream } from './stream.js';
import { isAllZero } from './zero.js';

/** `bytes` cut at `cuts` (positions, any order). */
function pieces(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.slice(prev, c));
    prev = c;
  }
  return out;
}

describe('diskChunks and writeDynamicFromStream', () => {
  it('a chain streamed out and written back from chunks of any size reads like the byte model, allocating only blocks with data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 200 }).chain((sectors) =>
          fc.record({
            sectors: fc.constant(sectors),
            depth: fc.integer({ min: 1, max: 3 }),
            writes: fc.array(arbWrite(sectors * 512, 8000), { maxLength: 6 }),
            cuts: fc.array(fc.nat(), { maxLength: 8 }),
            chunkSectors: fc.integer({ min: 1, max: 40 }),
            blockSize: fc.constantFrom(512, 4096, 65536),
            asWebStream: fc.boolean(),
          }),
        ),
        async ({ sectors, depth, writes, cuts, chunkSectors, blockSize, asWebStream }) => {
          const size = sectors * 512;
          const model = new Uint8Array(size);
          const images = new MemoryImages();
          let top = await baseImage('dynamic', size, 4096, 1);
          for (let level = 1; level < depth; level++) {
            await images.add(top);
            top = await childImage(top, level + 1);
          }
          const w = await images.open(top);
          for (const x of writes) {
            await w.write(x.data, x.offset);
            model.set(x.data, x.offset);
          }
          await w.close();
          const chain = await images.open(top, false);
          const got: Uint8Array[] = [];
          for await (const c of diskChunks(chain, { chunkBytes: chunkSectors * 512 })) got.push(c);
          await chain.close();
          const joined = new Uint8Array(size);
          let at = 0;
          for (const c of got) {
            joined.set(c, at);
            at += c.length;
          }
          expect(at).toBe(size);
          expect(firstDifference(joined, model)).toBe(-1);

          const parts = pieces(model, cuts);
          const stream = asWebStream
            ? new ReadableStream<Uint8Array>({
                start(controller) {
                  for (const p of parts) controller.enqueue(p);
                  controller.close();
                },
              })
            : parts;
          const out = memoryFile();
          const result = await writeDynamicFromStream(stream, out, {
            sizeBytes: size,
            blockSizeBytes: blockSize,
          });
          const back = await openChain(shared(out), { openParent: async () => undefined });
          const read = new Uint8Array(size);
          await back.read(read, 0);
          await back.close();
          expect(firstDifference(read, model)).toBe(-1);
          const image = (await openImage(shared(out), { strict: true })) as VhdLayer;
          let allocated = 0;
          for (let b = 0; b < image.batLength; b++) {
            const used = (await image.entry(b)) !== BLOCK_UNUSED;
            const data =
              b * blockSize < size &&
              !isAllZero(model, b * blockSize, Math.min(size, (b + 1) * blockSize));
            expect(used).toBe(data);
            if (used) allocated++;
          }
          await image.close();
          expect(result.allocatedBlocks).toBe(allocated);
          expect(result.fileSize).toBe(await out.size());
        },
      ),
      { numRuns: 60, endOnFailure: true },
    );
  });

  it('an isAllZero option gives the same image as the built-in test, and the writer asks it', async () => {
    const size = 64 * 1024;
    const model = new Uint8Array(size);
    model[4096 + 7] = 0x80; // block 1: the bytes of a -0.0 double
    model[3 * 4096 - 1] = 1; // block 2: its last byte only
    const metadata = { timestamp: new Date(Date.UTC(2020, 0, 1)), uniqueId: new Uint8Array(16) };
    const builtIn = memoryFile();
    await writeDynamicFromStream([model], builtIn, {
      sizeBytes: size,
      blockSizeBytes: 4096,
      ...metadata,
    });
    const asked: number[] = [];
    const injected = memoryFile();
    const result = await writeDynamicFromStream([model], injected, {
      sizeBytes: size,
      blockSizeBytes: 4096,
      ...metadata,
      isAllZero: (bytes, start, end) => {
        asked.push(start, end);
        return bytes.subarray(start, end).every((b) => b === 0);
      },
    });
    expect(asked.length).toBe(2 * 16);
    expect(injected.bytes()).toEqual(builtIn.bytes());
    expect(result.allocatedBlocks).toBe(2);
  });

  it('a stream shorter than sizeBytes is TRUNCATED, a longer one INVALID_ARGUMENT', async () => {
    await expect(
      writeDynamicFromStream([new Uint8Array(1000)], memoryFile(), { sizeBytes: 1024 }),
    ).rejects.toSatisfy((e) => isVhdFormatError(e, 'TRUNCATED'));
    await expect(
      writeDynamicFromStream([new Uint8Array(1000), new Uint8Array(100)], memoryFile(), {
        sizeBytes: 1024,
      }),
    ).rejects.toSatisfy((e) => isVhdFormatError(e, 'INVALID_ARGUMENT'));
    await expect(writeDynamicFromStream([], memoryFile(), { sizeBytes: 1000 })).rejects.toSatisfy(
      (e) => isVhdFormatError(e, 'INVALID_ARGUMENT'),
    );
  });

  it('a failing block write is reported, and no write is under way once the promise settles', async () => {
    const file = memoryFile();
    let writes = 0;
    let underWay = 0;
    const failing = {
      ...file,
      read: file.read.bind(file),
      size: file.size.bind(file),
      truncate: file.truncate.bind(file),
      sync: file.sync.bind(file),
      close: file.close.bind(file),
      async write(buffer: Uint8Array, position: number) {
        underWay++;
        try {
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (++writes === 2) throw new Error('disk full');
          await file.write(buffer, position);
        } finally {
          underWay--;
        }
      },
    };
    const block = 4096;
    const chunks = Array.from({ length: 6 }, (_, i) => new Uint8Array(block).fill(i + 1));
    await expect(
      writeDynamicFromStream(chunks, failing, { sizeBytes: 6 * block, blockSizeBytes: block }),
    ).rejects.toThrow('disk full');
    expect(underWay).toBe(0);
  });

  it('diskChunks refuses a chunk size that is not a multiple of 512', async () => {
    const base = await baseImage('dynamic', 4096, 4096, 1);
    const chain = await new MemoryImages().open(base, false);
    await expect(diskChunks(chain, { chunkBytes: 1000 }).next()).rejects.toSatisfy((e) =>
      isVhdFormatError(e, 'INVALID_ARGUMENT'),
    );
    await chain.close();
  });
});
