/**
 * Images vskit converted, as the peers read them: a depth-3 chain flattened into a new dynamic
 * and a new fixed image reads the same through vskit, qemu-img and pyvhdi, each as the chain
 * read.
 */
import { openNodeFile } from '@vskit/host-node';
import { expect, it } from 'vitest';
import { convertDisk } from '../ops/convert.js';
import { firstDifference, seededBytes, seededWrites, type Write } from './__fixtures__/content.js';
import { describeWithPeer } from './__fixtures__/describe-with-peer.js';
import { openChainAt } from './__fixtures__/images.js';
import { expectOursAndPyvhdiRead, qemuReadsBeside } from './__fixtures__/peer-reads.js';
import { suiteTempDir } from './__fixtures__/suite-temp-dir.js';
import { writeChainAt } from './__fixtures__/written-chain.js';

const MiB = 2 ** 20;
const BLOCK = 2 * MiB;

/** Layer `k`'s writes: seeded runs, a whole block of data, a whole block of zeros over data. */
function layerWrites(k: number, size: number): Write[] {
  const writes = seededWrites({ seed: 60 + k, size, count: 6, maxLength: 300_000, endAlign: 4096 });
  writes.push({ offset: ((k * 2) % (size / BLOCK)) * BLOCK, bytes: seededBytes(BLOCK, 70 + k) });
  if (k === 3) writes.push({ offset: 0, bytes: new Uint8Array(BLOCK) });
  return writes;
}

/** Flattens the chain whose top is `top` into a new image at `out`. */
async function convertAt(top: string, out: string, type: 'dynamic' | 'fixed') {
  const chain = await openChainAt(top);
  try {
    const target = await openNodeFile(out, 'createNew');
    try {
      return await convertDisk(chain, target, { type });
    } finally {
      await target.close();
    }
  } finally {
    await chain.close();
  }
}

describeWithPeer('pyvhdi', 'pyvhdi reads images converted from a chain', () => {
  describeWithPeer('qemu', 'as qemu-img and vskit read them', () => {
    const dir = suiteTempDir('convert-peers');
    for (const type of ['dynamic', 'fixed'] as const) {
      it(`a depth-3 chain converted to a ${type} image: the chain's bytes through all three`, async () => {
        const { paths, model } = await writeChainAt(dir.file, type, {
          base: { type: 'dynamic', sizeBytes: 10 * MiB },
          depth: 3,
          writes: layerWrites,
        });
        const out = dir.file(`${type}.vhd`);
        const result = await convertAt(paths[0]!, out, type);
        expect(result).toMatchObject({ type, virtualSize: model.length });
        const theirs = await expectOursAndPyvhdiRead([out], dir.file(`${type}-py.raw`), model);
        const [qemu, cut] = await qemuReadsBeside(out, dir.file(`${type}-qemu.raw`), model);
        expect(firstDifference(qemu, cut)).toBeUndefined();
        expect(firstDifference(qemu, theirs.bytes.subarray(0, qemu.length))).toBeUndefined();
      });
    }
  });
});
