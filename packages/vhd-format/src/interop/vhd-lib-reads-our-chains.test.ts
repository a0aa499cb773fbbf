/**
 * vhd-lib 0.7.2 as a second chain oracle. Its `createSyntheticStream` merges a chain per sector
 * (it walks each child block's bitmap), unlike vhd-lib 4.x's block-level chain reads (pitfall
 * 17), so it reads partly written child blocks, including the bitmap byte 0x40 that pyvhdi
 * misreads (pitfall 18), and agrees with us and with the spec there.
 */
import { expect, it } from 'vitest';
import {
  applyWrites,
  differingSectors,
  firstDifference,
  seededBytes,
  seededWrites,
  type Write,
} from './__fixtures__/content.js';
import { describeWithPeer } from './__fixtures__/describe-with-peer.js';
import { createBaseImage, createChildImage, readImage, writeImage } from './__fixtures__/images.js';
import { suiteTempDir } from './__fixtures__/suite-temp-dir.js';
import { vhdLibReadChain } from './__fixtures__/vhd-lib.js';

const MiB = 2 ** 20;
const SECTOR = 512;

describeWithPeer('vhd-lib', 'vhd-lib 0.7.2 reads our differencing chains', () => {
  const dir = suiteTempDir('vhd-lib-chains');

  [1, 2, 3].forEach((depth) => {
    it(`depth ${depth}, writes of any length at any byte offset: vhd-lib, openChain and the model agree`, async () => {
      const size = 10 * MiB + 3 * SECTOR;
      const base = dir.file(`d${depth}-base.vhd`);
      await createBaseImage(base, { type: 'dynamic', sizeBytes: size });
      const baseWrites = seededWrites({ seed: 500 + depth, size, count: 8, maxLength: 600 * 1024 });
      baseWrites.push({ offset: 0, bytes: seededBytes(2 * MiB, 510 + depth) });
      await writeImage(base, baseWrites);
      const model = applyWrites(new Uint8Array(size), baseWrites);
      const layers = [base];
      for (let k = 1; k <= depth; k++) {
        const layer = dir.file(`d${depth}-layer${k}.vhd`);
        await createChildImage(layer, layers[0]!);
        const writes: Write[] = seededWrites({
          seed: 520 + 10 * depth + k,
          size,
          count: 12,
          maxLength: 100 * 1024,
        });
        // A lone sector and a partial sector inside block 0, over the parent's data.
        writes.push({ offset: (4 * k + 1) * SECTOR, bytes: seededBytes(SECTOR, 530 + k) });
        writes.push({ offset: 40 * SECTOR + 100 * k, bytes: seededBytes(50, 540 + k) });
        await writeImage(layer, writes);
        applyWrites(model, writes);
        layers.unshift(layer);
      }
      expect(firstDifference(await readImage(layers[0]!), model)).toBeUndefined();
      const theirs = await vhdLibReadChain(layers, dir.file(`d${depth}-synthetic.vhd`));
      expect(theirs.length).toBe(size);
      expect(firstDifference(theirs, model)).toBeUndefined();
    });
  });

  it('bitmap byte 0x40 (only sector 1 written): vhd-lib reads the parent in sectors 0 and 2-7, as we do', async () => {
    const parent = dir.file('p40.vhd');
    const child = dir.file('c40.vhd');
    await createBaseImage(parent, { type: 'dynamic', sizeBytes: 4 * MiB });
    const parentData = seededBytes(2 * MiB, 18);
    await writeImage(parent, [{ offset: 0, bytes: parentData }]);
    await createChildImage(child, parent);
    await writeImage(child, [{ offset: SECTOR, bytes: new Uint8Array(SECTOR).fill(0xc1) }]);
    const ours = await readImage(child);
    const theirs = await vhdLibReadChain([child, parent], dir.file('s40.vhd'));
    expect(differingSectors(theirs, ours, 4 * MiB)).toEqual([]);
    expect(
      firstDifference(theirs.subarray(0, SECTOR), parentData.subarray(0, SECTOR)),
    ).toBeUndefined();
    expect(theirs.subarray(SECTOR, 2 * SECTOR).every((b) => b === 0xc1)).toBe(true);
    expect(
      firstDifference(
        theirs.subarray(2 * SECTOR, 8 * SECTOR),
        parentData.subarray(2 * SECTOR, 8 * SECTOR),
      ),
    ).toBeUndefined();
  });
});
