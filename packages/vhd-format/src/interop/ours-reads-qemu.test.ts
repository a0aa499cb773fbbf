/**
 * Images qemu-img creates and qemu-io fills, read through our API: the same virtual size as qemu
 * reports and the same bytes as `qemu-img convert -f vpc -O raw`; our check() finds no errors;
 * and what we then write into qemu's image, qemu reads back.
 */
import { openNodeFile } from '@vskit/host-node';
import { expect, it } from 'vitest';
import { check } from '../index.js';
import { applyWrites, firstDifference, seededWrites } from './__fixtures__/content.js';
import { describeWithPeer } from './__fixtures__/describe-with-peer.js';
import { openChainAt, readImage, writeImage } from './__fixtures__/images.js';
import { qemuCreate, qemuInfo, qemuIo, qemuReadAll } from './__fixtures__/qemu.js';
import { suiteTempDir } from './__fixtures__/suite-temp-dir.js';

const MiB = 2 ** 20;

interface Case {
  readonly name: string;
  readonly subformat: 'dynamic' | 'fixed';
  readonly sizeBytes: number;
  readonly forceSize?: boolean;
  /** qemu-io commands, given the size qemu reports. */
  readonly fill: (size: number) => string[];
}

/** Patterns at aligned and unaligned offsets, a whole 2 MiB block, zeros over data, the last bytes. */
const mixedFill = (size: number) => [
  'write -P 0xab 1M 64k',
  'write -P 0xcd 3000 5000',
  'write -P 0x11 2M 2M',
  'write -z 2304k 4k',
  'write -P 0x3c 4095k 3k',
  `write -P 0x5a ${size - 8192} 8192`,
  `write -P 0xe1 ${size - 700} 200`,
];

const CASES: readonly Case[] = [
  { name: 'dynamic 10 MiB', subformat: 'dynamic', sizeBytes: 10 * MiB, fill: mixedFill },
  {
    name: 'dynamic 37 MiB + 1 sector',
    subformat: 'dynamic',
    sizeBytes: 37 * MiB + 512,
    fill: mixedFill,
  },
  {
    name: 'dynamic 24 MiB, force_size',
    subformat: 'dynamic',
    sizeBytes: 24 * MiB,
    forceSize: true,
    fill: mixedFill,
  },
  { name: 'dynamic 8 MiB, empty', subformat: 'dynamic', sizeBytes: 8 * MiB, fill: () => [] },
  { name: 'fixed 10 MiB', subformat: 'fixed', sizeBytes: 10 * MiB, fill: mixedFill },
  {
    name: 'fixed 12 MiB + 3 sectors, force_size',
    subformat: 'fixed',
    sizeBytes: 12 * MiB + 1536,
    forceSize: true,
    fill: mixedFill,
  },
];

describeWithPeer('qemu', 'we read the images qemu-img creates and qemu-io fills', () => {
  const dir = suiteTempDir('ours-reads-qemu');

  CASES.forEach((c, index) => {
    it(`${c.name}: same size and bytes as qemu-img convert, and qemu reads our writes into it`, async () => {
      const path = dir.file(`qemu-${index}.vhd`);
      await qemuCreate(path, {
        subformat: c.subformat,
        sizeBytes: c.sizeBytes,
        ...(c.forceSize ? { forceSize: true } : {}),
      });
      const info = await qemuInfo(path);
      const commands = c.fill(info.virtualSize);
      if (commands.length > 0) await qemuIo(path, commands);

      const chain = await openChainAt(path);
      const ourSize = chain.virtualSize;
      const type = chain.layers[0]?.type;
      await chain.close();
      expect(type).toBe(c.subformat);
      expect(ourSize).toBe(info.virtualSize);

      const theirs = await qemuReadAll(path, dir.file(`qemu-${index}.raw`));
      const ours = await readImage(path);
      expect(ours.length).toBe(theirs.length);
      expect(firstDifference(ours, theirs)).toBeUndefined();
      if (commands.length > 0) expect(ours.some((b) => b === 0xab)).toBe(true);

      const file = await openNodeFile(path, 'read');
      const result = await check(file);
      await file.close();
      expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);

      // Then we write into qemu's image, and qemu reads our writes back.
      const writes = seededWrites({
        seed: 300 + index,
        size: ourSize,
        count: 8,
        maxLength: 300 * 1024,
      });
      await writeImage(path, writes);
      const model = applyWrites(theirs.slice(), writes);
      const after = await qemuReadAll(path, dir.file(`qemu-${index}-after.raw`));
      expect(firstDifference(after, model)).toBeUndefined();
    });
  });
});
