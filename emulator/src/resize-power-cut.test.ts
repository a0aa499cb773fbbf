/**
 * `@vskit/vhd-format`'s resize, with the power cut (or the write under way torn) at every write,
 * sync and truncate it makes: the image opens and reads as before (the old size) or as after
 * (the new size, the old bytes and zeros), fixed and dynamic, growing and shrinking, with no
 * exception.
 */
import {
  check,
  createFixed,
  FOOTER_SIZE,
  isVhdFormatError,
  repair,
  resize,
} from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  atEveryCut,
  createOn,
  firstDifference,
  newHost,
  onTop,
  openTop,
  pattern,
  prepareChain,
  readTop,
  TOP,
  writeTop,
} from './__fixtures__/power-cut.js';
import type { EmulatedHost } from './emulated-host.js';

const BLOCK = 4096;
const KiB = 1024;

interface Case {
  readonly name: string;
  readonly type: 'fixed' | 'dynamic';
  readonly from: number;
  readonly to: number;
  /** Bytes (0xe5) the fixed image's footer makes readers ignore before it. */
  readonly ignored?: number;
}

const CASES: readonly Case[] = [
  {
    name: 'dynamic, growing, the table in its own space',
    type: 'dynamic',
    from: 64 * KiB,
    to: 96 * KiB,
  },
  { name: 'dynamic, growing, the table moved', type: 'dynamic', from: 64 * KiB, to: 4096 * KiB },
  { name: 'dynamic, shrinking', type: 'dynamic', from: 64 * KiB, to: 36 * KiB },
  { name: 'fixed, growing', type: 'fixed', from: 64 * KiB, to: 96 * KiB },
  { name: 'fixed, shrinking', type: 'fixed', from: 64 * KiB, to: 36 * KiB },
  {
    name: 'fixed, growing into bytes its footer made readers ignore',
    type: 'fixed',
    from: 64 * KiB,
    to: 96 * KiB,
    ignored: 40 * KiB,
  },
  {
    name: 'fixed, shrinking, bytes its footer made readers ignore',
    type: 'fixed',
    from: 64 * KiB,
    to: 36 * KiB,
    ignored: 4 * KiB,
  },
];

async function prepare(c: Case): Promise<EmulatedHost> {
  let host: EmulatedHost;
  if (c.type === 'dynamic') host = await prepareChain('dynamic', BLOCK, c.from / BLOCK);
  else {
    host = newHost();
    await createOn(host, TOP, (f) => createFixed(f, { sizeBytes: c.from, exactSize: true }));
  }
  // Data up to 36 KiB (what a shrink keeps), and zeros written after it.
  await writeTop(host, [
    [100, pattern(20_000, 1)],
    [30 * KiB, pattern(6 * KiB, 2)],
    [40 * KiB, new Uint8Array(8 * KiB)],
  ]);
  if (c.ignored !== undefined) {
    const f = await host.open(TOP, 'readWrite');
    const footer = new Uint8Array(FOOTER_SIZE);
    await f.read(footer, c.from);
    await f.write(new Uint8Array(c.ignored).fill(0xe5), c.from);
    await f.write(footer, c.from + c.ignored);
    await f.sync();
    await f.close();
  }
  return host;
}

describe('a power cut at any write, sync or truncate of resize', () => {
  for (const c of CASES) {
    it(`${c.name}: as before or as after at every cut`, async () => {
      const prior = await prepare(c);
      const before = await readTop(prior);
      const after = new Uint8Array(c.to);
      after.set(before.subarray(0, Math.min(c.from, c.to)));
      const readThroughFallback: string[] = [];
      await atEveryCut(
        prior,
        (host) => onTop(host, (file) => resize(file, { sizeBytes: c.to, exactSize: true })),
        async (cut, label) => {
          let bytes: Uint8Array;
          try {
            bytes = await readTop(cut, { strict: true });
          } catch (e) {
            // A new end of file not synced: the footer copy at 0 (dynamic), or the last footer
            // before the zeros the file grew by (fixed), stands in.
            expect(isVhdFormatError(e, 'BAD_COOKIE'), `${label}: ${e}`).toBe(true);
            expect(c.to > c.from || c.type === 'dynamic', label).toBe(true);
            bytes = await readTop(cut);
            readThroughFallback.push(label);
            // repair mends it without a guess: strictly readable, as it read.
            const mended = cut.reopenAfterPowerCut();
            await onTop(mended, (file) => repair(file));
            expect(firstDifference(await readTop(mended, { strict: true }), bytes), label).toBe(-1);
          }
          const expected = bytes.length === before.length ? before : after;
          const same = firstDifference(bytes, expected);
          expect(same, `${label}: ${bytes.length} bytes`).toBe(-1);
          // Resizing again from what the cut left ends at the new size, strictly.
          await onTop(cut, (file) => resize(file, { sizeBytes: c.to, exactSize: true }));
          expect(firstDifference(await readTop(cut, { strict: true }), after), label).toBe(-1);
          const top = await cut.open(TOP, 'read');
          expect((await check(top)).ok, label).toBe(true);
          await top.close();
        },
      );
      // A fixed image needs the fallback only at a cut between a grow's extension and its sync.
      if (c.type === 'fixed') {
        const pastTheEnd = c.to > c.from + (c.ignored ?? 0);
        expect(readThroughFallback.length > 0).toBe(pastTheEnd);
      }
      const done = prior.reopenAfterPowerCut();
      await onTop(done, (file) => resize(file, { sizeBytes: c.to, exactSize: true }));
      const chain = await openTop(done, { strict: true });
      expect(chain.virtualSize).toBe(c.to);
      await chain.close();
    });
  }
});
