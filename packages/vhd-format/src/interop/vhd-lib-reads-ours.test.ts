/**
 * vhd-lib 0.7.2 (Xen Orchestra's reader; the version that installs here, pitfall 19) reads the
 * dynamic images we create: its content stream yields the current size and our bytes.
 */
import { expect, it } from 'vitest';
import { applyWrites, firstDifference, seededBytes, seededWrites } from './__fixtures__/content.js';
import { describeWithPeer } from './__fixtures__/describe-with-peer.js';
import { type BaseImageSpec, createBaseImage, writeImage } from './__fixtures__/images.js';
import { suiteTempDir } from './__fixtures__/suite-temp-dir.js';
import { vhdLibReadAll } from './__fixtures__/vhd-lib.js';

const MiB = 2 ** 20;

const CASES: ReadonlyArray<{ name: string; spec: BaseImageSpec }> = [
  { name: 'dynamic 10 MiB', spec: { type: 'dynamic', sizeBytes: 10 * MiB } },
  {
    name: 'dynamic 9 MiB + 5 sectors, vpc',
    spec: { type: 'dynamic', sizeBytes: 9 * MiB + 5 * 512, creatorApplication: 'vpc ' },
  },
  {
    name: 'dynamic 6 MiB, 512 KiB blocks',
    spec: { type: 'dynamic', sizeBytes: 6 * MiB, blockSizeBytes: 512 * 1024 },
  },
];

describeWithPeer('vhd-lib', 'vhd-lib 0.7.2 reads the dynamic images we create', () => {
  const dir = suiteTempDir('vhd-lib');

  CASES.forEach(({ name, spec }, index) => {
    it(`${name}: createContentStream returns our bytes`, async () => {
      const path = dir.file(`v${index}.vhd`);
      await createBaseImage(path, spec);
      const writes = seededWrites({
        seed: 60 + index,
        size: spec.sizeBytes,
        count: 10,
        maxLength: 400 * 1024,
      });
      writes.push({ offset: spec.sizeBytes - 1000, bytes: seededBytes(1000, 61) });
      await writeImage(path, writes);
      const model = applyWrites(new Uint8Array(spec.sizeBytes), writes);
      const theirs = await vhdLibReadAll(path);
      expect(theirs.length).toBe(spec.sizeBytes);
      expect(firstDifference(theirs, model)).toBeUndefined();
    });
  });
});
