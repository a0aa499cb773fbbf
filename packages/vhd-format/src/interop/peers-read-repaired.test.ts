/**
 * Repaired images as the peers read them: a dynamic image and a chain, damaged in every way
 * repair mends and repaired, read the same through qemu-img and pyvhdi as before the damage.
 */
import { openNodeFile } from '@vskit/host-node';
import { expect, it } from 'vitest';
import { repair } from '../ops/repair.js';
import { DAMAGE_KINDS, damage } from '../testing/damage.js';
import { firstDifference, seededWrites } from './__fixtures__/content.js';
import { describeWithPeer } from './__fixtures__/describe-with-peer.js';
import { createBaseImage, writeImage } from './__fixtures__/images.js';
import { expectOursAndPyvhdiRead } from './__fixtures__/peer-reads.js';
import { qemuReadAll } from './__fixtures__/qemu.js';
import { suiteTempDir } from './__fixtures__/suite-temp-dir.js';
import { writeChainAt } from './__fixtures__/written-chain.js';

const MiB = 2 ** 20;

/** Damages the image at `path` in every way but one that leaves no footer, then repairs it. */
async function damageAndRepair(path: string) {
  const file = await openNodeFile(path, 'readWrite');
  try {
    for (const kind of DAMAGE_KINDS) if (kind !== 'copy-damaged') await damage(file, kind);
    return await repair(file);
  } finally {
    await file.close();
  }
}

describeWithPeer('qemu', 'qemu-img reads repaired images', () => {
  const dir = suiteTempDir('qemu-repair');

  it('a dynamic image, damaged and repaired: the same bytes through qemu-img as before', async () => {
    const size = 10 * MiB;
    const path = dir.file('d.vhd');
    await createBaseImage(path, { type: 'dynamic', sizeBytes: size });
    await writeImage(path, seededWrites({ seed: 81, size, count: 6, maxLength: 300_000 }));
    const before = await qemuReadAll(path, dir.file('before.raw'));
    const result = await damageAndRepair(path);
    expect(result.changes.map((c) => c.kind)).toEqual([
      'bat-entry-cleared',
      'header-checksum-fixed',
      'trailing-bytes-truncated',
    ]);
    expect(result.remaining).toEqual([]);
    expect(firstDifference(await qemuReadAll(path, dir.file('after.raw')), before)).toBeUndefined();
  });
});

describeWithPeer('pyvhdi', 'pyvhdi reads repaired chains', () => {
  const dir = suiteTempDir('pyvhdi-repair');

  it('a depth-2 chain, every layer damaged and repaired: the same bytes through pyvhdi', async () => {
    const { paths, model } = await writeChainAt(dir.file, 'r', {
      base: { type: 'dynamic', sizeBytes: 8 * MiB },
      depth: 2,
      writes: (k, size) =>
        seededWrites({ seed: 90 + k, size, count: 5, maxLength: 200_000, endAlign: 4096 }),
    });
    for (const path of paths) expect((await damageAndRepair(path)).remaining).toEqual([]);
    await expectOursAndPyvhdiRead(paths, dir.file('chain.raw'), model);
  });
});
