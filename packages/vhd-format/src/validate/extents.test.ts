import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_UNUSED, SECTOR_SIZE } from '../constants.js';
import { BlockTable } from '../engine/block-table.js';
import { memoryFile } from '../io.js';
import { blockProblems, type Extent, type LayoutProblem } from './extents.js';

const AT = 512;

function tableOf(entries: readonly number[]): BlockTable {
  const bytes = new Uint8Array(AT + entries.length * 4);
  const view = new DataView(bytes.buffer);
  entries.forEach((e, i) => {
    view.setUint32(AT + i * 4, e);
  });
  return new BlockTable(memoryFile(bytes), AT, entries.length);
}

/** The rules, the plain way: every block held, sorted, neighbours compared. */
function oracle(
  entries: readonly number[],
  stride: number,
  dataEnd: number,
  metadata: readonly Extent[],
): { outOfRange: number; pairs: number; extents: string[] } {
  const starts: number[] = [];
  let outOfRange = 0;
  for (const e of entries) {
    if (e === BLOCK_UNUSED) continue;
    if (e * SECTOR_SIZE + stride > dataEnd) outOfRange++;
    else starts.push(e * SECTOR_SIZE);
  }
  starts.sort((a, b) => a - b);
  let pairs = 0;
  for (let i = 1; i < starts.length; i++) if (starts[i]! < starts[i - 1]! + stride) pairs++;
  const extents = metadata
    .filter((m) => m.what !== 'footer' && starts.some((s) => s < m.end && s + stride > m.start))
    .map((m) => m.what);
  return { outOfRange, pairs, extents };
}

function summary(problems: LayoutProblem[]) {
  return {
    outOfRange: problems.filter((p) => p.code === 'BAT_ENTRY_OUT_OF_RANGE').length,
    pairs: problems.filter((p) => p.message.startsWith('blocks at')).length,
    extents: problems
      .filter((p) => p.message.startsWith('block at'))
      .map((p) => /the (.*) at/.exec(p.message)![1]),
  };
}

describe('blockProblems', () => {
  it('finds what sorting every block finds, in one pass or in many small windows', async () => {
    const metadata: Extent[] = [
      { start: 0, end: 512, what: 'footer copy' },
      { start: 512, end: 1536, what: 'header' },
      { start: 3000, end: 3100, what: 'parent locator 0 data' },
      { start: 40_000, end: 40_512, what: 'footer' },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constant(BLOCK_UNUSED), fc.nat(90)), { maxLength: 40 }),
        fc.constantFrom(1024, 1536, 2560),
        async (entries, stride) => {
          const dataEnd = 40_000;
          const expected = oracle(entries, stride, dataEnd, metadata);
          for (const buckets of [1, 2, 3, 1000]) {
            const got = await blockProblems(
              tableOf(entries),
              stride,
              dataEnd,
              metadata,
              AT,
              1000,
              buckets,
            );
            expect(summary(got)).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('names the blocks that share bytes across a window boundary', async () => {
    // Stride of 2 sectors, windows of 2 buckets (4 sectors): sectors 3 and 4 sit in two windows.
    const got = await blockProblems(tableOf([0, 3, 4, 8]), 1024, 20_000, [], AT, 100, 2);
    expect(got.map((p) => p.message)).toEqual([
      'blocks at 1536 and 2048 share bytes (each is 1024 bytes)',
    ]);
  });

  it('stops at the limit of entries past the end, reading no further', async () => {
    const got = await blockProblems(tableOf([500, 501, 502, 1]), 1024, 20_000, [], AT, 2);
    expect(got.map((p) => p.field)).toEqual(['bat[0]', 'bat[1]']);
  });
});
