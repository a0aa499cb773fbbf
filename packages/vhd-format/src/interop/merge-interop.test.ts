/**
 * Chains vskit merged, as the peers read them: pyvhdi reads a merged chain (every layer still
 * there, the merged ones empty) exactly as it read before the merge, and reads the target's own
 * chain the same; qemu-img reads a merged dynamic or fixed target as the child read. Written
 * runs end on 4 KiB boundaries, the cases pyvhdi reads right (pitfall 18).
 */
import { join } from 'node:path';
import { openNodeFile } from '@vskit/host-node';
import { expect, it } from 'vitest';
import { merge } from '../index.js';
import { firstDifference, seededBytes, seededWrites } from './__fixtures__/content.js';
import { describeWithPeer } from './__fixtures__/describe-with-peer.js';
import {
  type BaseImageSpec,
  createBaseImage,
  createChildImage,
  readImage,
  writeImage,
} from './__fixtures__/images.js';
import { pyvhdiReadChain } from './__fixtures__/pyvhdi.js';
import { qemuReadAll } from './__fixtures__/qemu.js';
import { suiteTempDir } from './__fixtures__/suite-temp-dir.js';

const MiB = 2 ** 20;

/**
 * Builds base + `depth` children (named `${name}-...`) filled as pyvhdi-reads-our-chains.test.ts
 * fills its chains (runs ending on 4 KiB, a whole block, zeros over data); returns the paths,
 * top first.
 */
async function chain(
  file: (name: string) => string,
  name: string,
  base: BaseImageSpec,
  depth: number,
): Promise<string[]> {
  const size = base.sizeBytes;
  const block = 2 * MiB;
  const paths = [file(`${name}-base.vhd`)];
  await createBaseImage(paths[0]!, base);
  const baseWrites = seededWrites({ seed: 24, size, count: 8, maxLength: 512 * 1024 });
  baseWrites.push({ offset: 0, bytes: seededBytes(block, 34) });
  await writeImage(paths[0]!, baseWrites);
  for (let k = 1; k <= depth; k++) {
    const layer = file(`${name}-layer${k}.vhd`);
    await createChildImage(layer, paths[0]!);
    const writes = seededWrites({
      seed: 40 + k,
      size,
      count: 10,
      maxLength: 256 * 1024,
      endAlign: 4096,
    });
    const wholeBlock = (k * 3) % Math.floor(size / block);
    writes.push({ offset: wholeBlock * block, bytes: seededBytes(block, 90 + k) });
    writes.push({ offset: 64 * 1024 * k + 4096, bytes: new Uint8Array(12 * 1024) });
    await writeImage(layer, writes);
    paths.unshift(layer);
  }
  return paths;
}

/** Merges the top of `paths` into `paths[target]`; layers are found in the same folder. */
async function mergeAt(paths: readonly string[], target: number): Promise<void> {
  const folder = join(paths[0]!, '..');
  await merge(
    await openNodeFile(paths[0]!, 'readWrite'),
    await openNodeFile(paths[target]!, 'readWrite'),
    {
      openParent: async (ref) => openNodeFile(join(folder, ref.unicodeName), 'readWrite'),
    },
  );
}

describeWithPeer('pyvhdi', 'pyvhdi reads chains vskit merged as before', () => {
  const dir = suiteTempDir('merge-pyvhdi');
  for (const target of [1, 2]) {
    it(`depth 2, merged into the layer ${target} below the top: the same bytes before and after`, async () => {
      const size = 6 * MiB;
      const paths = await chain(
        dir.file,
        `p${target}`,
        { type: 'dynamic', sizeBytes: size, blockSizeBytes: 512 * 1024 },
        2,
      );
      const before = await pyvhdiReadChain(paths, dir.file(`p${target}-before.raw`));
      expect(firstDifference(await readImage(paths[0]!), before.bytes)).toBeUndefined();
      await mergeAt(paths, target);
      const after = await pyvhdiReadChain(paths, dir.file(`p${target}-after.raw`));
      expect(after.mediaSize).toBe(size);
      expect(firstDifference(after.bytes, before.bytes)).toBeUndefined();
      // The target's own chain: through pyvhdi when the target is the dynamic base. A differencing
      // target gets the moved sectors' bits, and a run of the child starting inside a bitmap byte
      // leaves a partly set byte there, which pyvhdi misreads (pitfall 18): read it with ours.
      const targetChain =
        target === paths.length - 1
          ? (await pyvhdiReadChain(paths.slice(target), dir.file(`p${target}-t.raw`))).bytes
          : await readImage(paths[target]!);
      expect(firstDifference(targetChain, before.bytes)).toBeUndefined();
    });
  }
});

describeWithPeer('qemu', 'qemu-img reads a target vskit merged into as the child read', () => {
  const dir = suiteTempDir('merge-qemu');
  for (const type of ['dynamic', 'fixed'] as const) {
    it(`a depth-1 child merged into a ${type} parent`, async () => {
      const size = 8 * MiB;
      const paths = await chain(dir.file, type, { type, sizeBytes: size }, 1);
      const before = await readImage(paths[0]!);
      await mergeAt(paths, 1);
      // qemu-img may size the disk by its CHS geometry (pitfall 16): compare what both cover.
      const theirs = await qemuReadAll(paths[1]!, dir.file(`${type}.raw`));
      const n = Math.min(size, theirs.length);
      expect(n).toBeGreaterThan(size - 2 * MiB);
      expect(firstDifference(theirs.subarray(0, n), before.subarray(0, n))).toBeUndefined();
    });
  }
});
