/**
 * Pitfall 18: libvhdi 20210425 (Debian's pyvhdi) misreads a partly written child block. Here a
 * child block's bitmap byte is 0x40 (only sector 1 written): pyvhdi returns zeros for sectors
 * 2-7 where the parent's data belongs. This test pins the disagreement and shows which reading
 * the spec supports.
 *
 * VHD spec v1.0, "Block Allocation Table and Data Blocks": "The sector bitmap indicates which
 * sectors contain valid data (1's) and which sectors have never been modified (0's). For
 * differencing disks, the sector bitmap indicates which sectors are located within the
 * differencing disk (1's) and which sectors are in the parent (0's)." So sectors 0 and 2-7,
 * whose bits are 0, must read from the parent; only sector 1 comes from the child. vhd-lib 0.7.2
 * reads this block as we do (vhd-lib-reads-our-chains.test.ts), so pyvhdi is the outlier.
 */
import { openNodeFile } from '@vskit/host-node';
import { expect, it } from 'vitest';
import { decodeDynamicHeader, decodeFooter } from '../index.js';
import { differingSectors, firstDifference, seededBytes } from './__fixtures__/content.js';
import { describeWithPeer } from './__fixtures__/describe-with-peer.js';
import { createBaseImage, createChildImage, readImage, writeImage } from './__fixtures__/images.js';
import { pyvhdiReadChain } from './__fixtures__/pyvhdi.js';
import { suiteTempDir } from './__fixtures__/suite-temp-dir.js';

const MiB = 2 ** 20;
const SECTOR = 512;

/** The first `count` bytes of block `block`'s sector bitmap in the image at `path`. */
async function bitmapBytes(path: string, block = 0, count = 1): Promise<number[]> {
  const file = await openNodeFile(path, 'read');
  try {
    const size = await file.size();
    const footerBytes = new Uint8Array(512);
    await file.read(footerBytes, size - 512);
    const footer = decodeFooter(footerBytes);
    const headerBytes = new Uint8Array(1024);
    await file.read(headerBytes, footer.dataOffset);
    const header = decodeDynamicHeader(headerBytes);
    const entry = new Uint8Array(4);
    await file.read(entry, header.tableOffset + 4 * block);
    const blockSector = new DataView(entry.buffer).getUint32(0);
    const bitmap = new Uint8Array(count);
    await file.read(bitmap, blockSector * SECTOR);
    return [...bitmap];
  } finally {
    await file.close();
  }
}

/** The first byte of block 0's sector bitmap. */
async function firstBitmapByte(path: string): Promise<number> {
  return (await bitmapBytes(path))[0]!;
}

/**
 * Where pyvhdi reads zeros instead of the parent, as observed: within one bitmap byte, a clean
 * sector that follows a written sector of the same byte. Clean sectors before the byte's first
 * written sector, and whole clean bytes, read right.
 */
function pyvhdiMisreadSectors(pattern: readonly number[]): number[] {
  const out: number[] = [];
  pattern.forEach((byte, i) => {
    let seenWritten = false;
    for (let bit = 0; bit < 8; bit++) {
      if (byte & (0x80 >> bit)) seenWritten = true;
      else if (seenWritten) out.push(i * 8 + bit);
    }
  });
  return out;
}

describeWithPeer('pyvhdi', 'pitfall 18: pyvhdi and a partly written child block', () => {
  const dir = suiteTempDir('pyvhdi-partial');

  it('with bitmap byte 0x40, pyvhdi reads zeros for sectors 2-7; we read the parent there, as the spec says', async () => {
    const parent = dir.file('parent.vhd');
    const child = dir.file('child.vhd');
    const size = 4 * MiB;
    await createBaseImage(parent, { type: 'dynamic', sizeBytes: size });
    const parentData = seededBytes(2 * MiB, 18);
    await writeImage(parent, [{ offset: 0, bytes: parentData }]);
    await createChildImage(child, parent);
    const sector1 = new Uint8Array(SECTOR).fill(0xc1);
    await writeImage(child, [{ offset: SECTOR, bytes: sector1 }]);
    expect(await firstBitmapByte(child)).toBe(0x40);

    // The spec's reading: sector 1 from the child, every other sector from the parent.
    const expected = new Uint8Array(size);
    expected.set(parentData, 0);
    expected.set(sector1, SECTOR);

    const ours = await readImage(child);
    expect(firstDifference(ours, expected)).toBeUndefined();

    const theirs = await pyvhdiReadChain([child, parent], dir.file('chain.raw'));
    expect(theirs.mediaSize).toBe(size);
    expect(differingSectors(theirs.bytes, ours, size)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(theirs.bytes.subarray(2 * SECTOR, 8 * SECTOR).every((b) => b === 0)).toBe(true);
    // The parent has data there, so the zeros are pyvhdi's, not the chain's.
    expect(parentData.subarray(2 * SECTOR, 8 * SECTOR).some((b) => b !== 0)).toBe(true);
  });

  it('the same block written whole reads identically through pyvhdi and us', async () => {
    const parent = dir.file('parent-whole.vhd');
    const child = dir.file('child-whole.vhd');
    const size = 4 * MiB;
    await createBaseImage(parent, { type: 'dynamic', sizeBytes: size });
    await writeImage(parent, [{ offset: 0, bytes: seededBytes(size, 19) }]);
    await createChildImage(child, parent);
    await writeImage(child, [{ offset: 0, bytes: seededBytes(2 * MiB, 20) }]);
    expect(await firstBitmapByte(child)).toBe(0xff);
    const ours = await readImage(child);
    const theirs = await pyvhdiReadChain([child, parent], dir.file('whole.raw'));
    expect(firstDifference(theirs.bytes, ours)).toBeUndefined();
  });

  it('over several bitmap patterns, pyvhdi misreads exactly the clean sectors after a written one in the same byte', async () => {
    const patterns: number[][] = [
      [0x40],
      [0x3c],
      [0x81],
      [0x0f],
      [0xf0],
      [0xaa, 0x55],
      [0xff, 0x80],
    ];
    const block = 2 * MiB;
    const size = patterns.length * block;
    const parent = dir.file('parent-patterns.vhd');
    const child = dir.file('child-patterns.vhd');
    await createBaseImage(parent, { type: 'dynamic', sizeBytes: size });
    const parentData = seededBytes(size, 21);
    await writeImage(parent, [{ offset: 0, bytes: parentData }]);
    await createChildImage(child, parent);
    const expected = parentData.slice();
    const writes: Array<{ offset: number; bytes: Uint8Array }> = [];
    const misread: number[] = [];
    patterns.forEach((pattern, b) => {
      pattern.forEach((byte, i) => {
        for (let bit = 0; bit < 8; bit++) {
          if (!(byte & (0x80 >> bit))) continue;
          const offset = b * block + (i * 8 + bit) * SECTOR;
          const bytes = new Uint8Array(SECTOR).fill(0xd0 + b);
          writes.push({ offset, bytes });
          expected.set(bytes, offset);
        }
      });
      for (const s of pyvhdiMisreadSectors(pattern)) misread.push((b * block) / SECTOR + s);
    });
    await writeImage(child, writes);
    for (const [b, pattern] of patterns.entries()) {
      expect(await bitmapBytes(child, b, pattern.length)).toEqual(pattern);
    }

    const ours = await readImage(child);
    expect(firstDifference(ours, expected)).toBeUndefined();
    const theirs = await pyvhdiReadChain([child, parent], dir.file('patterns.raw'));
    expect(differingSectors(theirs.bytes, ours, size)).toEqual(misread);
    for (const s of misread) {
      expect(theirs.bytes.subarray(s * SECTOR, (s + 1) * SECTOR).every((x) => x === 0)).toBe(true);
    }
  });
});
