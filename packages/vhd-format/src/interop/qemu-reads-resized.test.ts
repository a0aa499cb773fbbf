/**
 * Resized images as qemu-img and qemu-io read them: fixed and dynamic, grown (for dynamic, with
 * the BAT in its own space and moved after the last block) and shrunk, read the same bytes
 * through qemu as through us, and qemu-io writes into the new part.
 */
import { openNodeFile } from '@vskit/host-node';
import { expect, it } from 'vitest';
import { roundUpToChs } from '../geometry.js';
import { resize } from '../ops/resize.js';
import { applyWrites, firstDifference, seededWrites } from './__fixtures__/content.js';
import { describeWithPeer } from './__fixtures__/describe-with-peer.js';
import { createBaseImage, readImage, writeImage } from './__fixtures__/images.js';
import { qemuIo, qemuReadAll } from './__fixtures__/qemu.js';
import { suiteTempDir } from './__fixtures__/suite-temp-dir.js';

const MiB = 2 ** 20;

async function resizeAt(path: string, sizeBytes: number) {
  const file = await openNodeFile(path, 'readWrite');
  try {
    return await resize(file, { sizeBytes });
  } finally {
    await file.close();
  }
}

/** qemu's bytes and ours: the same length, since the size is a CHS capacity (pitfall 16). */
async function bothRead(path: string, raw: string): Promise<[Uint8Array, Uint8Array]> {
  const theirs = await qemuReadAll(path, raw);
  const ours = await readImage(path);
  expect(theirs.length).toBe(ours.length);
  return [theirs, ours];
}

const CASES = [
  { type: 'fixed', from: 8 * MiB, to: 20 * MiB },
  { type: 'fixed', from: 8 * MiB, to: 6 * MiB },
  { type: 'dynamic', from: 8 * MiB, to: 12 * MiB },
  // 512 KiB blocks: the table's sector holds 128 entries (64 MiB); 100 MiB moves it.
  { type: 'dynamic', from: 8 * MiB, to: 100 * MiB },
  { type: 'dynamic', from: 8 * MiB, to: 6 * MiB },
] as const;

describeWithPeer('qemu', 'qemu-img reads resized images', () => {
  const dir = suiteTempDir('qemu-resize');

  CASES.forEach((c, i) => {
    it(`${c.type} ${c.from / MiB} MiB -> ${c.to / MiB} MiB: the same bytes, and qemu-io writes past the old end`, async () => {
      const path = dir.file(`r${i}.vhd`);
      await createBaseImage(path, {
        type: c.type,
        sizeBytes: c.from,
        ...(c.type === 'dynamic' ? { blockSizeBytes: 512 * 1024 } : {}),
      });
      const writes = seededWrites({ seed: 50 + i, size: 6 * MiB, count: 6, maxLength: 400_000 });
      await writeImage(path, writes);
      // Rounded up as creation rounds it: then qemu shows exactly our size.
      const to = roundUpToChs(c.to).sizeBytes;
      const model = applyWrites(new Uint8Array(to), writes);
      const result = await resizeAt(path, c.to);
      expect(result.sizeAfter).toBe(to);
      expect(result.tableMoved).toBe(c.to === 100 * MiB);
      const [theirs, ours] = await bothRead(path, dir.file(`r${i}.raw`));
      expect(firstDifference(theirs, ours)).toBeUndefined();
      expect(firstDifference(ours, model.subarray(0, ours.length))).toBeUndefined();
      if (c.to > c.from) {
        await qemuIo(path, [`write -P 0x3c ${c.from + 4096} 8k`]);
        const [t2, o2] = await bothRead(path, dir.file(`r${i}b.raw`));
        expect(firstDifference(t2, o2)).toBeUndefined();
        expect(o2.subarray(c.from + 4096, c.from + 12288).every((b) => b === 0x3c)).toBe(true);
      }
    });
  });
});
