/**
 * `@vskit/vhd-format`'s repair, with the power cut (or the write under way torn) at every write,
 * sync and truncate it makes, for each kind of damage it mends: the image opens leniently and
 * reads as before at every cut (an image it could not open before, one with a BAT entry past the
 * end, still refuses the same way or is mended), the parent is unchanged, and repair run again
 * ends with a strict, clean image.
 */
import { check, FOOTER_SIZE, HEADER_OFFSETS, isVhdFormatError, repair } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  atEveryCut,
  firstDifference,
  onTop,
  PARENT,
  pattern,
  prepareChain,
  readTop,
  TOP,
  writeTop,
} from './__fixtures__/power-cut.js';
import type { EmulatedHost } from './emulated-host.js';

const BLOCK = 4096;

type Damage =
  | 'trailing footer zeroed'
  | 'header checksum stale'
  | 'bytes before the footer'
  | 'a BAT entry past the end'
  | 'all four';

/** Does `kind` to TOP, synced. */
async function damage(host: EmulatedHost, kind: Damage): Promise<void> {
  const kinds: Damage[] =
    kind === 'all four'
      ? [
          'a BAT entry past the end',
          'header checksum stale',
          'bytes before the footer',
          'trailing footer zeroed',
        ]
      : [kind];
  const f = await host.open(TOP, 'readWrite');
  for (const k of kinds) {
    const size = await f.size();
    const footerPos = size - FOOTER_SIZE;
    if (k === 'trailing footer zeroed') await f.write(new Uint8Array(FOOTER_SIZE), footerPos);
    if (k === 'header checksum stale') {
      const at = FOOTER_SIZE + HEADER_OFFSETS.checksum;
      const b = new Uint8Array(4);
      await f.read(b, at);
      b[3] = (b[3]! + 1) & 0xff;
      await f.write(b, at);
    }
    if (k === 'bytes before the footer') {
      const footer = new Uint8Array(FOOTER_SIZE);
      await f.read(footer, footerPos);
      await f.write(new Uint8Array(2048).fill(0xe5), footerPos);
      await f.write(footer, footerPos + 2048);
    }
    if (k === 'a BAT entry past the end') {
      // The header is at 512, its BAT at 1536 (as created); entry 7 is unused.
      const entry = new Uint8Array(4);
      new DataView(entry.buffer).setUint32(0, Math.ceil(size / 512) + 50);
      await f.write(entry, 1536 + 7 * 4);
    }
  }
  await f.sync();
  await f.close();
}

describe('a power cut at any write, sync or truncate of repair', () => {
  for (const kind of [
    'trailing footer zeroed',
    'header checksum stale',
    'bytes before the footer',
    'a BAT entry past the end',
    'all four',
  ] as const) {
    for (const chainKind of ['dynamic', 'differencing'] as const) {
      it(`${chainKind}, ${kind}: the same bytes (or the same refusal) at every cut; repair again mends it`, async () => {
        const prior = await prepareChain(chainKind, BLOCK, 8);
        await writeTop(prior, [
          [BLOCK + 100, pattern(3000, 1)],
          [5 * BLOCK, pattern(BLOCK, 2)],
        ]);
        const want = await readTop(prior);
        await damage(prior, kind);
        const refusedBefore = kind === 'a BAT entry past the end' || kind === 'all four';
        if (refusedBefore) {
          await expect(readTop(prior)).rejects.toSatisfy((e) =>
            isVhdFormatError(e, 'BAT_ENTRY_OUT_OF_RANGE'),
          );
        } else {
          expect(firstDifference(await readTop(prior), want)).toBe(-1);
        }
        const parentBytes = chainKind === 'differencing' ? await prior.readFile(PARENT) : undefined;
        const counts = await atEveryCut(
          prior,
          (host) => onTop(host, (file) => repair(file)),
          async (after, label) => {
            if (parentBytes)
              expect(firstDifference(await after.readFile(PARENT), parentBytes), label).toBe(-1);
            try {
              expect(firstDifference(await readTop(after), want), label).toBe(-1);
            } catch (e) {
              expect(
                refusedBefore && isVhdFormatError(e, 'BAT_ENTRY_OUT_OF_RANGE'),
                `${label}: ${e}`,
              ).toBe(true);
            }
            await onTop(after, (file) => repair(file));
            expect(firstDifference(await readTop(after, { strict: true }), want), label).toBe(-1);
            const top = await after.open(TOP, 'read');
            expect((await check(top)).problems, label).toEqual([]);
            await top.close();
          },
        );
        expect(counts.write).toBeGreaterThan(0);
      });
    }
  }
});
