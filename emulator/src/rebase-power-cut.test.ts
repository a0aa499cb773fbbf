/**
 * `@vskit/vhd-format`'s rebase, with the power cut (or the write under way torn) at every write
 * and sync it makes: the child names its parent's old place or its new one, never a mix that
 * leads nowhere, reads exactly as before, and the parent is unchanged.
 */
import { openChain, openImage, rebase } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  atEveryCut,
  firstDifference,
  onTop,
  PARENT,
  pattern,
  prepareChain,
  TOP,
  writeTop,
} from './__fixtures__/power-cut.js';
import type { EmulatedHost } from './emulated-host.js';

const BLOCK = 64 * 1024;

/** Reads the chain over TOP leniently, the parent found under its old name or its new one. */
async function readEither(host: EmulatedHost): Promise<{ name: string; bytes: Uint8Array }> {
  const top = await host.open(TOP, 'read');
  let name = '';
  const chain = await openChain(top, {
    openParent: async (ref) => {
      name = ref.unicodeName;
      return ['parent.vhd', 'moved.vhd', 'other.vhd'].includes(ref.unicodeName)
        ? host.open(PARENT, 'read')
        : undefined;
    },
  });
  const bytes = new Uint8Array(chain.virtualSize);
  await chain.read(bytes, 0);
  await chain.close();
  return { name, bytes };
}

/** Rebases TOP onto PARENT as if it were now `C:\archive\<name>`. */
async function rebaseTop(host: EmulatedHost, name = 'moved.vhd'): Promise<void> {
  const pf = await host.open(PARENT, 'read');
  const parent = await openImage(pf);
  const footer = parent.footer;
  await parent.close();
  await onTop(host, (file) =>
    rebase(file, {
      parent: {
        footer,
        modified: new Date('2026-02-02T00:00:00Z'),
        unicodeName: name,
        absolutePath: `C:\\archive\\${name}`,
        relativePath: `.\\archive\\${name}`,
      },
    }),
  );
}

describe('a power cut at any write or sync of rebase', () => {
  for (const grows of [true, false]) {
    it(`${grows ? 'the first rebase (the file grows)' : 'a third rebase (into the space the first freed)'}: old or new parent, the same bytes`, async () => {
      const prior = await prepareChain('differencing', BLOCK, 8);
      await writeTop(prior, [[BLOCK + 100, pattern(3000, 1)]]);
      // Two rebases before: the second leaves the first one's locator space free.
      if (!grows) {
        await rebaseTop(prior, 'moved.vhd');
        await rebaseTop(prior, 'other.vhd');
      }
      const before = await readEither(prior);
      const parentBytes = await prior.readFile(PARENT);
      const names = new Set<string>();
      const counts = await atEveryCut(
        prior,
        (host) => rebaseTop(host),
        async (after, label) => {
          expect(firstDifference(await after.readFile(PARENT), parentBytes), label).toBe(-1);
          const got = await readEither(after);
          names.add(got.name);
          expect(firstDifference(got.bytes, before.bytes), label).toBe(-1);
          // Rebasing again, from whatever the cut left, ends strict and new.
          await rebaseTop(after);
          const top = await after.open(TOP, 'read');
          const image = await openImage(top, { strict: true });
          expect(image.parent?.unicodeName, label).toBe('moved.vhd');
          await image.close();
        },
      );
      expect(counts.sync).toBe(2);
      expect(counts.write).toBe(grows ? 3 : 2);
      expect([...names].sort()).toEqual(
        grows ? ['moved.vhd', 'parent.vhd'] : ['moved.vhd', 'other.vhd'],
      );
    });
  }
});
