/**
 * Compacted images as the peers read them: qemu-img reads a compacted dynamic image (ours, and
 * one qemu-io filled) exactly as before and qemu-io can still write into it; pyvhdi reads a
 * compacted chain exactly as before.
 */
import { openNodeFile } from '@vskit/host-node';
import { expect, it } from 'vitest';
import { compact } from '../ops/compact.js';
import {
  applyWrites,
  firstDifference,
  seededBytes,
  seededWrites,
  type Write,
} from './__fixtures__/content.js';
import { describeWithPeer } from './__fixtures__/describe-with-peer.js';
import { createBaseImage, readImage, writeImage } from './__fixtures__/images.js';
import { expectOursAndPyvhdiRead, qemuReadsBeside } from './__fixtures__/peer-reads.js';
import { qemuCreate, qemuIo, qemuReadAll } from './__fixtures__/qemu.js';
import { suiteTempDir } from './__fixtures__/suite-temp-dir.js';
import { writeChainAt } from './__fixtures__/written-chain.js';

const MiB = 2 ** 20;
const BLOCK = 2 * MiB;

/** Compacts the image at `path` through a node file. */
async function compactAt(path: string) {
  const file = await openNodeFile(path, 'readWrite');
  try {
    return await compact(file);
  } finally {
    await file.close();
  }
}

/** Data in some blocks, whole blocks of zeros in others. */
function writesWithZeroBlocks(seed: number, size: number): Write[] {
  const writes = seededWrites({ seed, size, count: 5, maxLength: 300_000, endAlign: 4096 });
  writes.push({ offset: BLOCK, bytes: new Uint8Array(BLOCK) });
  writes.push({ offset: 3 * BLOCK, bytes: new Uint8Array(BLOCK) });
  writes.push({ offset: 4 * BLOCK, bytes: seededBytes(BLOCK, seed + 1) });
  return writes;
}

describeWithPeer('qemu', 'qemu-img reads compacted dynamic images', () => {
  const dir = suiteTempDir('qemu-compact');

  it('ours: the same bytes after compact, and qemu-io writes into it after', async () => {
    const size = 12 * MiB;
    const path = dir.file('ours.vhd');
    await createBaseImage(path, { type: 'dynamic', sizeBytes: size });
    const writes = writesWithZeroBlocks(3, size);
    await writeImage(path, writes);
    const model = applyWrites(new Uint8Array(size), writes);
    const result = await compactAt(path);
    expect(result.blocksRemoved).toBeGreaterThan(0);
    expect(result.fileSizeAfter).toBeLessThan(result.fileSizeBefore);
    expect(
      firstDifference(...(await qemuReadsBeside(path, dir.file('ours.raw'), model))),
    ).toBeUndefined();
    await qemuIo(path, ['write -P 0x5a 1M 64k', 'write -P 0x6b 10M 4k']);
    model.fill(0x5a, MiB, MiB + 64 * 1024);
    model.fill(0x6b, 10 * MiB, 10 * MiB + 4096);
    expect(
      firstDifference(...(await qemuReadsBeside(path, dir.file('ours2.raw'), model))),
    ).toBeUndefined();
    expect(firstDifference(await readImage(path), model)).toBeUndefined();
  });

  it('qemu-made: blocks qemu-io filled with zeros are given back, the bytes the same', async () => {
    const path = dir.file('qemu.vhd');
    await qemuCreate(path, { subformat: 'dynamic', sizeBytes: 10 * MiB });
    await qemuIo(path, ['write -P 0xab 0 64k', 'write -P 0 2M 2M', 'write -P 0xcd 5M 4k']);
    const model = await qemuReadAll(path, dir.file('qemu-before.raw'));
    const result = await compactAt(path);
    expect(result.blocksRemoved).toBeGreaterThan(0);
    expect(firstDifference(await qemuReadAll(path, dir.file('qemu.raw')), model)).toBeUndefined();
    expect(firstDifference(await readImage(path), model)).toBeUndefined();
  });
});

describeWithPeer('pyvhdi', 'pyvhdi reads compacted chains', () => {
  const dir = suiteTempDir('pyvhdi-compact');

  it('a depth-2 chain, every layer compacted: the same bytes', async () => {
    const { paths, model } = await writeChainAt(dir.file, 'c', {
      base: { type: 'dynamic', sizeBytes: 12 * MiB },
      depth: 2,
      writes: (k, size) => writesWithZeroBlocks(10 + k, size),
    });
    for (const path of paths) await compactAt(path);
    await expectOursAndPyvhdiRead(paths, dir.file('chain.raw'), model);
  });
});
