/**
 * `@vskit/vhd-format`'s resize, with the power cut (or the write under way torn) at every write,
 * sync and truncate it makes: the image opens and reads as before (the old size) or as after
 * (the new size, the old bytes and zeros), with the one window vhd-format's README states for a
 * fixed image that grows.
 */
import { check, createFixed, FOOTER_SIZE, isVhdFormatError, resize } from '@vskit/vhd-format';
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
} from './__fixtures__/vhd-op-cuts.js';
import type { EmulatedHost } from './emulated-host.js';

const BLOCK = 4096;
const KiB = 1024;

interface Case {
  readonly name: string;
  readonly type: 'fixed' | 'dynamic';
  readonly from: number;
  readonly to: number;
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
  return host;
}

/** Whether the cut left a grown fixed image's file with its last sector zeros (README's window). */
async function lostFixedEnd(host: EmulatedHost, c: Case): Promise<boolean> {
  if (c.type !== 'fixed' || c.to < c.from) return false;
  const bytes = await host.readFile(TOP);
  return (
    bytes.length === c.to + FOOTER_SIZE &&
    bytes.subarray(bytes.length - FOOTER_SIZE).every((b) => b === 0) &&
    String.fromCharCode(...bytes.subarray(c.from, c.from + 8)) === 'conectix'
  );
}

describe('a power cut at any write, sync or truncate of resize', () => {
  for (const c of CASES) {
    it(`${c.name}: as before or as after at every cut`, async () => {
      const prior = await prepare(c);
      const before = await readTop(prior);
      const after = new Uint8Array(c.to);
      after.set(before.subarray(0, Math.min(c.from, c.to)));
      const windows: string[] = [];
      await atEveryCut(
        prior,
        (host) => onTop(host, (file) => resize(file, { sizeBytes: c.to, exactSize: true })),
        async (cut, label) => {
          if (await lostFixedEnd(cut, c)) {
            windows.push(label);
            return;
          }
          let bytes: Uint8Array;
          try {
            bytes = await readTop(cut, { strict: true });
          } catch (e) {
            // A new end of file not synced: the footer copy at 0 stands in (dynamic only).
            expect(isVhdFormatError(e, 'BAD_COOKIE'), `${label}: ${e}`).toBe(true);
            expect(c.type, label).toBe('dynamic');
            bytes = await readTop(cut);
          }
          let expected = bytes.length === before.length ? before : after;
          if (c.type === 'fixed' && c.to < c.from && bytes.length === before.length) {
            // README's window: the new footer already at the start of the part being cut off.
            const raw = await cut.readFile(TOP);
            const footerAt = raw.subarray(c.to, c.to + FOOTER_SIZE);
            if (String.fromCharCode(...footerAt.subarray(0, 8)) === 'conectix') {
              expected = before.slice();
              expected.set(footerAt, c.to);
              windows.push(label);
            }
          }
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
      // Only fixed images have windows. Growing: a cut after the file grew, before its sync.
      // Shrinking: a cut at the truncate, the new footer durable.
      if (c.type === 'fixed' && c.to > c.from) {
        expect(windows).toEqual(['sync 1 of 3 writes, 3 syncs']);
      } else if (c.type === 'fixed') {
        expect(windows).toEqual(['truncate 1 of 1 writes, 2 syncs']);
      } else expect(windows).toEqual([]);
      const done = prior.reopenAfterPowerCut();
      await onTop(done, (file) => resize(file, { sizeBytes: c.to, exactSize: true }));
      const chain = await openTop(done, { strict: true });
      expect(chain.virtualSize).toBe(c.to);
      await chain.close();
    });
  }
});
