/**
 * `@vskit/vhd-format`'s merge, on this host, with the power cut (or the write in flight torn) at
 * every write, sync and truncate it makes: the chain read from the child reads exactly as before
 * (which is also how it reads after), the layers below the target are unchanged, and running
 * merge again finishes it: every merged layer empty, every file opening strictly, the child and
 * the target alone reading as the child did (the order of writes is in vhd-format's README,
 * "Merge"). It lives here because vhd-format's tests cannot depend on this package.
 */
import {
  createDifferencing,
  createDynamic,
  createFixed,
  merge,
  openImage,
} from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  atEveryCut,
  createOn,
  firstDifference,
  newHost,
  openChainOn,
  pattern,
  readChainOn,
} from './__fixtures__/power-cut.js';
import type { EmulatedHost } from './emulated-host.js';

const KiB = 1024;
const BLOCK = 16 * KiB;
const SIZE = 8 * BLOCK;

/** A chain, bottom first: the base's type, then each layer's writes. */
interface Case {
  readonly name: string;
  readonly base: 'fixed' | 'dynamic';
  /** Writes per layer, the base first. */
  readonly layers: ReadonlyArray<ReadonlyArray<readonly [number, Uint8Array]>>;
  /** Index (bottom first) of the layer merged into. */
  readonly target: number;
  /** Block size of every layer (default {@link BLOCK}). */
  readonly block?: number;
  /** Disk size (default {@link SIZE}). */
  readonly size?: number;
}

const CASES: Case[] = [
  {
    name: 'a child with partly written blocks into its dynamic parent',
    base: 'dynamic',
    layers: [
      [[0, pattern(3 * BLOCK, 1)]],
      [
        [BLOCK + 1000, pattern(3000, 2)],
        [3 * BLOCK - 512, pattern(2 * BLOCK, 3)],
        [6 * BLOCK + 512, new Uint8Array(1024)],
      ],
    ],
    target: 0,
  },
  {
    name: 'two layers into a fixed base',
    base: 'fixed',
    layers: [
      [[0, pattern(SIZE, 4)]],
      [[2 * BLOCK, pattern(BLOCK + 4096, 5)]],
      [
        [2 * BLOCK + 1024, pattern(2048, 6)],
        [5 * BLOCK, pattern(700, 7)],
      ],
    ],
    target: 0,
  },
  {
    name: 'a child into a differencing parent, allocating its blocks',
    base: 'dynamic',
    layers: [
      [[0, pattern(SIZE, 8)]],
      [[BLOCK, pattern(512, 9)]],
      [
        [BLOCK + 2048, pattern(1536, 10)],
        [4 * BLOCK + 512, pattern(BLOCK, 11)],
      ],
    ],
    target: 1,
  },
  {
    // 300 blocks of 512 bytes: the child's BAT entries 1, 2, 130 and 290 lie in BAT sectors
    // 0, 1 and 2, cleared in one write (sector 1 in between joined); the torn cuts keep a prefix.
    name: 'a child whose entries span three BAT sectors, into its dynamic parent',
    base: 'dynamic',
    block: 512,
    size: 300 * 512,
    layers: [
      [[0, pattern(20 * 512, 12)]],
      [
        [512 + 100, pattern(700, 13)],
        [130 * 512, pattern(512, 14)],
        [290 * 512, pattern(512, 15)],
      ],
    ],
    target: 0,
  },
];

const path = (i: number) => `C:\\layer${i}.vhd`;

async function prepare(c: Case): Promise<EmulatedHost> {
  const host = newHost();
  for (let i = 0; i < c.layers.length; i++) {
    const size = c.size ?? SIZE;
    await createOn(host, path(i), async (f) => {
      if (i === 0 && c.base === 'fixed') await createFixed(f, { sizeBytes: size });
      else if (i === 0) {
        await createDynamic(f, { sizeBytes: size, blockSizeBytes: c.block ?? BLOCK });
      } else {
        const pf = await host.open(path(i - 1), 'read');
        const parent = await openImage(pf);
        await createDifferencing(f, {
          parent: {
            footer: parent.footer,
            blockSizeBytes: c.block ?? BLOCK,
            modified: new Date('2026-01-01T00:00:00Z'),
            unicodeName: `layer${i - 1}.vhd`,
          },
        });
        await parent.close();
      }
    });
    const chain = await openChainOn(host, path(i), { writable: true });
    for (const [at, bytes] of c.layers[i]!) await chain.write(bytes, at);
    await chain.sync();
    await chain.close();
  }
  return host;
}

async function runMerge(host: EmulatedHost, c: Case): Promise<void> {
  const top = c.layers.length - 1;
  await merge(
    await host.open(path(top), 'readWrite'),
    await host.open(path(c.target), 'readWrite'),
    {
      openParent: async (ref) => host.open(`C:\\${ref.unicodeName}`, 'readWrite'),
      // The parents' times go into the merged layers' headers: those writes are cut too.
      parentModified: async (depth) => (await host.stat(path(top - depth)))?.mtime,
    },
  );
}

/** After a cut: the child reads as before, the layers below the target unchanged; merge again finishes. */
async function verify(
  host: EmulatedHost,
  c: Case,
  model: Uint8Array,
  below: Uint8Array[],
  label: string,
) {
  const top = c.layers.length - 1;
  expect(firstDifference(await readChainOn(host, path(top)), model), label).toBe(-1);
  for (let i = 0; i < c.target; i++) {
    const bytes = await host.readFile(path(i));
    expect(firstDifference(bytes, below[i]!), `${label}: layer ${i}`).toBe(-1);
  }
  await runMerge(host, c);
  const strict = { strict: true };
  const resumed = await readChainOn(host, path(top), strict);
  expect(firstDifference(resumed, model), `${label}: resumed`).toBe(-1);
  const target = await readChainOn(host, path(c.target), strict);
  expect(firstDifference(target, model), `${label}: target`).toBe(-1);
  for (let i = c.target + 1; i <= top; i++) {
    const image = await openImage(await host.open(path(i), 'read'), { strict: true });
    expect(image.allocatedBlockCount, `${label}: layer ${i} emptied`).toBe(0);
    await image.close();
  }
}

describe('a power cut or a torn write at any write, sync or truncate of a merge', () => {
  for (const c of CASES) {
    it(`${c.name}: the child reads as before, merging again finishes it`, async () => {
      const prior = await prepare(c);
      const top = c.layers.length - 1;
      const model = await readChainOn(prior, path(top));
      const below = await Promise.all(
        Array.from({ length: c.target }, (_, i) => prior.readFile(path(i))),
      );
      const counts = await atEveryCut(
        prior,
        (host) => runMerge(host, c),
        (host, label) => verify(host, c, model, below, label),
      );
      expect(counts.write).toBeGreaterThan(0);
      expect(counts.truncate).toBeGreaterThan(0);
      const done = prior.reopenAfterPowerCut();
      await runMerge(done, c);
      await verify(done.reopenAfterPowerCut(), c, model, below, 'no cut');
    });
  }
});
