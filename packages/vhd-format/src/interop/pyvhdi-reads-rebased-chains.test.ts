/**
 * Chains whose parents were renamed and rebased, as libvhdi reads them: pyvhdi reports the new
 * parent name and the parent's identifier from the rebased child, and reads the chain exactly as
 * before the rename (written runs end on 4 KiB, see pyvhdi-reads-our-chains.test.ts).
 */
import { rename, stat } from 'node:fs/promises';
import { openNodeFile } from '@vskit/host-node';
import { expect, it } from 'vitest';
import { formatUuid } from '../codec/uuid.js';
import { openImage } from '../image/open.js';
import { rebase } from '../ops/rebase.js';
import { applyWrites, firstDifference, seededWrites } from './__fixtures__/content.js';
import { describeWithPeer } from './__fixtures__/describe-with-peer.js';
import { createBaseImage, createChildImage, readImage, writeImage } from './__fixtures__/images.js';
import { findPeers } from './__fixtures__/peers.js';
import { pyvhdiReadChain } from './__fixtures__/pyvhdi.js';
import { runChecked } from './__fixtures__/run.js';
import { suiteTempDir } from './__fixtures__/suite-temp-dir.js';

const MiB = 2 ** 20;

const PARENT_OF = `
import sys, pyvhdi
f = pyvhdi.file()
f.open(sys.argv[1])
print(f.get_parent_filename())
print(f.get_parent_identifier())
`;

describeWithPeer('pyvhdi', 'pyvhdi reads our rebased chains', () => {
  const dir = suiteTempDir('pyvhdi-rebase');

  for (const depth of [1, 2, 3]) {
    it(`depth ${depth}: every parent renamed and its child rebased, pyvhdi reads the new names and the same bytes`, async () => {
      const size = 6 * MiB;
      let paths = [dir.file(`d${depth}-l0.vhd`)];
      await createBaseImage(paths[0]!, { type: 'dynamic', sizeBytes: size });
      const model = new Uint8Array(size);
      for (let k = 0; k <= depth; k++) {
        if (k > 0) {
          const layer = dir.file(`d${depth}-l${k}.vhd`);
          await createChildImage(layer, paths[0]!);
          paths.unshift(layer);
        }
        const writes = seededWrites({
          seed: 70 + depth * 5 + k,
          size,
          count: 6,
          maxLength: 200_000,
          endAlign: 4096,
        });
        await writeImage(paths[0]!, writes);
        applyWrites(model, writes);
      }
      // Rename every layer below the top, then rebase each child onto its parent's new name.
      const renamed = paths.map((p, i) => (i === 0 ? p : p.replace(/\.vhd$/, '-moved.vhd')));
      for (let i = 1; i < paths.length; i++) await rename(paths[i]!, renamed[i]!);
      paths = renamed;
      for (let i = 0; i + 1 < paths.length; i++) {
        const parentFile = await openNodeFile(paths[i + 1]!, 'read');
        const parent = await openImage(parentFile);
        const footer = parent.footer;
        await parent.close();
        const name = paths[i + 1]!.split('/').pop()!;
        const child = await openNodeFile(paths[i]!, 'readWrite');
        try {
          await rebase(child, {
            parent: {
              footer,
              modified: (await stat(paths[i + 1]!)).mtime,
              unicodeName: name,
              relativePath: `.\\${name}`,
            },
          });
        } finally {
          await child.close();
        }
        const out = await runChecked(findPeers().python, ['-c', PARENT_OF, paths[i]!]);
        const [parentName, parentId] = out.trim().split('\n');
        expect(parentName).toContain(name);
        expect(parentId).toBe(formatUuid(footer.uniqueId));
      }
      expect(firstDifference(await readImage(paths[0]!), model)).toBeUndefined();
      const theirs = await pyvhdiReadChain(paths, dir.file(`d${depth}.raw`));
      expect(theirs.mediaSize).toBe(size);
      expect(firstDifference(theirs.bytes, model)).toBeUndefined();
    });
  }
});
