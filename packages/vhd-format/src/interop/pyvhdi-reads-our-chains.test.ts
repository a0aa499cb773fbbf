/**
 * Our differencing chains (depth 1 to 3) as libvhdi reads them: pyvhdi opens every layer, links
 * each child to its parent with `set_parent`, and reads the whole media. Every written-sector run
 * in a child ends on a 4 KiB (bitmap byte) boundary: the cases pyvhdi reads right (pitfall 18;
 * the partly written bitmap byte it misreads is pinned in pyvhdi-partial-block.test.ts), so
 * every comparison here is strict.
 */
import { expect, it } from 'vitest';
import {
  applyWrites,
  firstDifference,
  seededBytes,
  seededWrites,
  type Write,
} from './__fixtures__/content.js';
import { describeWithPeer } from './__fixtures__/describe-with-peer.js';
import {
  type BaseImageSpec,
  createBaseImage,
  createChildImage,
  readImage,
  writeImage,
} from './__fixtures__/images.js';
import { peerStatus } from './__fixtures__/peers.js';
import { pyvhdiReadChain } from './__fixtures__/pyvhdi.js';
import { qemuCreate, qemuInfo, qemuIo, qemuReadAll } from './__fixtures__/qemu.js';
import { suiteTempDir } from './__fixtures__/suite-temp-dir.js';

const MiB = 2 ** 20;
const BLOCK = 2 * MiB;

/** Writes into differencing layer `k`: seeded runs ending on 4 KiB, a whole block, zeros over data. */
function layerWrites(k: number, size: number): Write[] {
  const writes = seededWrites({
    seed: 40 + k,
    size,
    count: 10,
    maxLength: 256 * 1024,
    endAlign: 4096,
  });
  const wholeBlock = (k * 3) % Math.floor(size / BLOCK);
  writes.push({ offset: wholeBlock * BLOCK, bytes: seededBytes(BLOCK, 90 + k) });
  // Zeros written into a child hide the parent's data (pitfall 7): a 12 KiB run inside block 0.
  writes.push({ offset: 64 * 1024 * k + 4096, bytes: new Uint8Array(12 * 1024) });
  return writes;
}

interface Case {
  readonly name: string;
  readonly base: BaseImageSpec;
  readonly depth: number;
}

const CASES: readonly Case[] = [
  {
    name: 'depth 1 over a dynamic parent',
    base: { type: 'dynamic', sizeBytes: 12 * MiB },
    depth: 1,
  },
  {
    name: 'depth 2 over a dynamic parent',
    base: { type: 'dynamic', sizeBytes: 16 * MiB + 3 * 512 },
    depth: 2,
  },
  {
    name: 'depth 3 over a dynamic parent',
    base: { type: 'dynamic', sizeBytes: 10 * MiB },
    depth: 3,
  },
  { name: 'depth 1 over a fixed parent', base: { type: 'fixed', sizeBytes: 8 * MiB }, depth: 1 },
  {
    name: 'depth 2 over a dynamic parent with 512 KiB blocks',
    base: { type: 'dynamic', sizeBytes: 6 * MiB, blockSizeBytes: 512 * 1024 },
    depth: 2,
  },
];

describeWithPeer('pyvhdi', 'pyvhdi reads our differencing chains', () => {
  const dir = suiteTempDir('pyvhdi-chains');

  CASES.forEach((c, index) => {
    it(`${c.name}: pyvhdi, our openChain and the model agree byte for byte`, async () => {
      const size = c.base.sizeBytes;
      const base = dir.file(`c${index}-base.vhd`);
      await createBaseImage(base, c.base);
      const baseWrites = seededWrites({ seed: 20 + index, size, count: 8, maxLength: 512 * 1024 });
      baseWrites.push({ offset: 0, bytes: seededBytes(BLOCK, 30 + index) });
      await writeImage(base, baseWrites);
      const model = applyWrites(new Uint8Array(size), baseWrites);

      const layers = [base];
      for (let k = 1; k <= c.depth; k++) {
        const layer = dir.file(`c${index}-layer${k}.vhd`);
        await createChildImage(layer, layers[0]!);
        const writes = layerWrites(k, size);
        await writeImage(layer, writes);
        applyWrites(model, writes);
        layers.unshift(layer);
      }

      const ours = await readImage(layers[0]!);
      expect(ours.length).toBe(size);
      expect(firstDifference(ours, model)).toBeUndefined();

      const theirs = await pyvhdiReadChain(layers, dir.file(`c${index}.raw`));
      expect(theirs.mediaSize).toBe(size);
      expect(firstDifference(theirs.bytes, model)).toBeUndefined();
    });
  });

  it.skipIf(!peerStatus('qemu').found)(
    'depth 2 over a dynamic parent qemu-img created and qemu-io filled (skipped without qemu)',
    async () => {
      const base = dir.file('q-base.vhd');
      await qemuCreate(base, { subformat: 'dynamic', sizeBytes: 10 * MiB });
      await qemuIo(base, [
        'write -P 0xab 1M 64k',
        'write -P 0xcd 3000 5000',
        'write -P 0x11 4M 2M',
      ]);
      const size = (await qemuInfo(base)).virtualSize;
      const model = await qemuReadAll(base, dir.file('q-base.raw'));
      const layers = [base];
      for (let k = 1; k <= 2; k++) {
        const layer = dir.file(`q-layer${k}.vhd`);
        await createChildImage(layer, layers[0]!);
        const writes = layerWrites(k, size);
        await writeImage(layer, writes);
        applyWrites(model, writes);
        layers.unshift(layer);
      }
      expect(firstDifference(await readImage(layers[0]!), model)).toBeUndefined();
      const theirs = await pyvhdiReadChain(layers, dir.file('q.raw'));
      expect(theirs.mediaSize).toBe(size);
      expect(firstDifference(theirs.bytes, model)).toBeUndefined();
    },
  );
});
