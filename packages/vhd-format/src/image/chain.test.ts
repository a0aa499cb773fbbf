import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { memoryFile } from '../io.js';
import { arbWrite } from '../testing/arbitraries.js';
import { baseImage, childImage, firstDifference, MemoryImages } from '../testing/images.js';

type MemoryFile = ReturnType<typeof memoryFile>;

const arbSetup = fc.record({
  sizeSectors: fc.integer({ min: 1, max: 600 }),
  blockSize: fc.constantFrom(512, 4096, 16384, 65536),
  baseType: fc.constantFrom<'dynamic' | 'fixed'>('dynamic', 'dynamic', 'fixed'),
  depth: fc.integer({ min: 0, max: 4 }),
});

describe('chain reads and writes', () => {
  it('random writes through a chain of depth 0..4 read back like a byte array, parents untouched', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbSetup.chain((s) =>
          fc.record({
            setup: fc.constant(s),
            writes: fc.array(fc.array(arbWrite(s.sizeSectors * 512, 9000), { maxLength: 6 }), {
              minLength: s.depth + 1,
              maxLength: s.depth + 1,
            }),
            reads: fc.array(arbWrite(s.sizeSectors * 512, 70_000), { maxLength: 4 }),
          }),
        ),
        async ({ setup, writes, reads }) => {
          const size = setup.sizeSectors * 512;
          const model = new Uint8Array(size);
          const images = new MemoryImages();
          let top = await baseImage(setup.baseType, size, setup.blockSize, 1);
          const lower: Array<{ file: MemoryFile; bytes: Uint8Array }> = [];
          for (let level = 0; level <= setup.depth; level++) {
            if (level > 0) {
              await images.add(top);
              lower.push({ file: top, bytes: top.bytes() });
              top = await childImage(top, level + 1);
            }
            const chain = await images.open(top);
            expect(chain.layers).toHaveLength(level + 1);
            for (const w of writes[level]!) {
              await chain.write(w.data, w.offset);
              model.set(w.data, w.offset);
            }
            const all = new Uint8Array(size);
            await chain.read(all, 0);
            expect(firstDifference(all, model)).toBe(-1);
            await chain.close();
            for (const l of lower) expect(firstDifference(l.file.bytes(), l.bytes)).toBe(-1);
          }
          const chain = await images.open(top, false);
          for (const r of reads) {
            const out = new Uint8Array(r.data.length);
            await chain.read(out, r.offset);
            expect(firstDifference(out, model.subarray(r.offset, r.offset + r.data.length))).toBe(
              -1,
            );
          }
          await chain.close();
        },
      ),
      { numRuns: 80, endOnFailure: true },
    );
  });
});
