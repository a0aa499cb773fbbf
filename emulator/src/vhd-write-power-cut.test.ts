/**
 * `@vskit/vhd-format`'s write into a dynamic or differencing image, on this host, with the power
 * cut (or the write in flight torn) at every write and every sync of a write and its sync: every
 * sector reads as its old or its new bytes, the parent is unchanged, and the image opens strictly
 * or, when its new end did not reach the disk, leniently and then strictly once written again
 * (the order of writes is in vhd-format's README, "Power cuts"). It lives here because
 * vhd-format's tests cannot depend on this package, which depends on vhd-format for its tests.
 */
import { FOOTER_SIZE, isVhdFormatError, SECTOR_SIZE, type VhdChain } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  atEveryCut,
  firstDifference,
  openTop as open,
  PARENT,
  pattern,
  prepareChain,
  readTop as readAll,
  TOP,
  writeTop,
} from './__fixtures__/power-cut.js';
import type { EmulatedHost } from './emulated-host.js';

/** vhd-format writes a new block's first piece of at most this many bytes with its bitmap. */
const COMBINED_WRITE_MAX = 64 * 1024;

const MiB = 2 ** 20;

type Kind = 'dynamic' | 'differencing';

/** One write of the matrix: `bytes` at `offset` of a disk of four blocks of `block` bytes. */
interface Case {
  readonly name: string;
  readonly offset: number;
  readonly bytes: Uint8Array;
}

function cases(block: number): Case[] {
  return [
    { name: 'a new block, first write small', offset: 2 * block, bytes: pattern(4096, 1) },
    {
      name: 'a new block, first write large and unaligned',
      offset: 2 * block + 4096 + 100,
      bytes: pattern(COMBINED_WRITE_MAX + 5000, 2),
    },
    // Unaligned at both ends, across the middle of block 1 (a bitmap sector boundary when the
    // bitmap is two sectors long), over sectors the top layer has and has not.
    { name: 'a partly written block', offset: block + block / 2 - 700, bytes: pattern(9000, 3) },
    { name: 'a write across two blocks', offset: 2 * block - 5000, bytes: pattern(10_000, 4) },
    {
      name: 'a write of zeros into a new block',
      offset: 3 * block + 512,
      bytes: new Uint8Array(8192),
    },
    { name: 'a write of zeros over data', offset: block + 1024, bytes: new Uint8Array(4096) },
  ];
}

async function writeAndSync(chain: VhdChain, c: Case): Promise<void> {
  await chain.write(c.bytes, c.offset);
  await chain.sync();
}

/**
 * The state every run starts from, synced: a top layer of four blocks with block 1 partly
 * written (for `differencing`, over a parent holding data around every case's range, in blocks
 * 1 to 3; the rest reads as zeros, stored sparsely).
 */
async function prepare(kind: Kind, block: number): Promise<EmulatedHost> {
  const around = [
    [block - 8192, 24_576],
    [block + block / 2 - 16_384, 32_768],
    [2 * block - 16_384, 128 * 1024],
    [3 * block, 16_384],
  ] as const;
  const host = await prepareChain(
    kind,
    block,
    4,
    around.map(([at, n]) => [at, pattern(n, at)] as const),
  );
  await writeTop(host, [
    [block + 1024, pattern(7168, 5)],
    [block + block / 2 + 4096, pattern(4096, 6)],
  ]);
  return host;
}

/**
 * Checks the state after a cut: the parent is unchanged; the top opens strictly, or its trailing
 * footer is missing (the file grew, its new end not synced: the last 512 bytes are zeros) and a
 * lenient open reads it through the footer copy at 0; every sector reads as before the write or
 * after it; and writing again (as a lenient, writable open allows) leaves a strict image.
 */
async function verify(
  after: EmulatedHost,
  c: Case,
  old: Uint8Array,
  parentBytes: Uint8Array | undefined,
  label: string,
): Promise<void> {
  if (parentBytes)
    expect(firstDifference(await after.readFile(PARENT), parentBytes), label).toBe(-1);
  let disk: Uint8Array;
  let repaired = false;
  try {
    disk = await readAll(after, { strict: true });
  } catch (e) {
    expect(isVhdFormatError(e, 'BAD_COOKIE'), `${label}: ${e}`).toBe(true);
    const file = await after.readFile(TOP);
    expect(
      file.subarray(file.length - FOOTER_SIZE).every((b) => b === 0),
      `${label}: ${e}`,
    ).toBe(true);
    const lenient = await open(after);
    expect(lenient.warnings.join(), label).toMatch(
      /^footer cookie is .*; using the copy at offset 0$/,
    );
    await lenient.close();
    disk = await readAll(after);
    repaired = true;
  }
  const end = c.offset + c.bytes.length;
  const fresh = old.slice();
  fresh.set(c.bytes, c.offset);
  expect(firstDifference(disk.subarray(0, c.offset), old.subarray(0, c.offset)), label).toBe(-1);
  expect(firstDifference(disk.subarray(end), old.subarray(end)), label).toBe(-1);
  for (let s = Math.floor(c.offset / SECTOR_SIZE) * SECTOR_SIZE; s < end; s += SECTOR_SIZE) {
    const got = disk.subarray(s, s + SECTOR_SIZE);
    const ok =
      firstDifference(got, old.subarray(s, s + SECTOR_SIZE)) === -1 ||
      firstDifference(got, fresh.subarray(s, s + SECTOR_SIZE)) === -1;
    expect(ok, `${label}: sector at ${s}`).toBe(true);
  }
  if (repaired) {
    // The documented repair: open as usual (leniently) and write again.
    const again = await open(after, { writable: true });
    await writeAndSync(again, c);
    await again.close();
    const back = await readAll(after, { strict: true });
    expect(firstDifference(back, fresh), `${label}: rewritten`).toBe(-1);
  }
}

describe('a power cut or a torn write at any write or sync of a chain write', () => {
  for (const kind of ['dynamic', 'differencing'] as const) {
    for (const block of [2 * MiB, 4 * MiB]) {
      for (const c of cases(block)) {
        it(`${kind}, ${block / MiB} MiB blocks, ${c.name}: old or new bytes in every sector, a parent untouched`, async () => {
          const prior = await prepare(kind, block);
          const old = await readAll(prior);
          const parentBytes = kind === 'differencing' ? await prior.readFile(PARENT) : undefined;
          // Every write and sync the write and its sync make (opening and closing make none).
          const counts = await atEveryCut(
            prior,
            async (host) => {
              const w = await open(host, { writable: true });
              try {
                await writeAndSync(w, c);
              } finally {
                await w.close().catch(() => undefined);
              }
            },
            (after, label) => verify(after, c, old, parentBytes, label),
          );
          expect(counts.write).toBeGreaterThan(0);
          expect(counts.sync).toBe(1);
          expect(counts.truncate).toBe(0);
          // And with no cut at all, the new bytes, strictly.
          const done = prior.reopenAfterPowerCut();
          const w = await open(done, { writable: true });
          await writeAndSync(w, c);
          await w.close();
          const fresh = old.slice();
          fresh.set(c.bytes, c.offset);
          expect(
            firstDifference(await readAll(done.reopenAfterPowerCut(), { strict: true }), fresh),
          ).toBe(-1);
        });
      }
    }
  }
});
