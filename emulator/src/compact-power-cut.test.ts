/**
 * `@vskit/vhd-format`'s compact, with the power cut (or the write under way torn) at every write,
 * sync and truncate it makes: the image opens strictly and reads exactly as before at every cut,
 * the parent is unchanged, and compacting again finishes the job.
 */
import { check, compact, openImage } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  atEveryCut,
  firstDifference,
  onTop,
  PARENT,
  pattern,
  prepareChain,
  readTop,
  TOP,
  writeTop,
} from './__fixtures__/power-cut.js';

const BLOCK = 64 * 1024;

describe('a power cut at any write, sync or truncate of compact', () => {
  for (const kind of ['dynamic', 'differencing'] as const) {
    it(`${kind}: the image reads as before at every cut, and compact run again finishes`, async () => {
      const prior = await prepareChain(kind, BLOCK, 12);
      // Data in blocks 1, 4, 6 and 10; zeros in blocks 2, 5 and 8 (a differencing image keeps them).
      await writeTop(prior, [
        [BLOCK + 100, pattern(3000, 1)],
        [2 * BLOCK, new Uint8Array(BLOCK)],
        [4 * BLOCK, pattern(BLOCK, 4)],
        [5 * BLOCK + 512, new Uint8Array(4096)],
        [6 * BLOCK + 7000, pattern(9000, 6)],
        [8 * BLOCK, new Uint8Array(512)],
        [10 * BLOCK, pattern(BLOCK, 10)],
      ]);
      if (kind === 'differencing') {
        // Block 4's bitmap emptied: it holds no sector, as a cut during its allocation leaves it.
        const f = await prior.open(TOP, 'readWrite');
        const image = await openImage(f);
        const word = new Uint8Array(4);
        await f.read(word, image.header!.tableOffset + 4 * 4);
        await f.write(new Uint8Array(512), new DataView(word.buffer).getUint32(0) * 512);
        await f.sync();
        await image.close();
      }
      const before = await readTop(prior);
      const parentBytes = kind === 'differencing' ? await prior.readFile(PARENT) : undefined;
      const counts = await atEveryCut(
        prior,
        (host) => onTop(host, (file) => compact(file)),
        async (after, label) => {
          if (parentBytes) {
            expect(firstDifference(await after.readFile(PARENT), parentBytes), label).toBe(-1);
          }
          expect(firstDifference(await readTop(after, { strict: true }), before), label).toBe(-1);
          await onTop(after, (file) => compact(file));
          expect(firstDifference(await readTop(after, { strict: true }), before), label).toBe(-1);
          const top = await after.open(TOP, 'read');
          expect((await check(top)).problems, label).toEqual([]);
          await top.close();
        },
      );
      expect(counts.write).toBeGreaterThan(3);
      expect(counts.truncate).toBe(1);
      const done = prior.reopenAfterPowerCut();
      const sizeBefore = (await prior.readFile(TOP)).length;
      await onTop(done, (file) => compact(file));
      expect((await done.readFile(TOP)).length).toBeLessThan(sizeBefore);
      expect(firstDifference(await readTop(done, { strict: true }), before)).toBe(-1);
    });
  }
});
